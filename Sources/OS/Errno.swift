import Glibc

/// `errno` values by name, for code outside the OS layer (which does not import Glibc): what the
/// daemon reports to systemd as `ERRNO=` before a fatal exit.
public enum Errno {
    /// `EINVAL`: an argument (a config or state file) that cannot be used.
    public static let invalidArgument: Int32 = EINVAL
    /// `EADDRINUSE`: an address (the control socket) that is already taken.
    public static let addressInUse: Int32 = EADDRINUSE
}
