import Glibc

/// `errno` values by name, for code outside the OS layer (which does not import Glibc): what the
/// daemon reports to systemd as `ERRNO=` before a fatal exit, and what udplabctl explains.
public enum Errno {
    /// `EINVAL`: an argument (a config or state file) that cannot be used.
    public static let invalidArgument: Int32 = EINVAL
    /// `EADDRINUSE`: an address (the control socket) that is already taken.
    public static let addressInUse: Int32 = EADDRINUSE
    /// `ENOENT`: no such file (no socket at the path).
    public static let noSuchFile: Int32 = ENOENT
    /// `ECONNREFUSED`: nobody listens on the socket.
    public static let connectionRefused: Int32 = ECONNREFUSED
    /// `EACCES`: permission denied by the file's mode.
    public static let accessDenied: Int32 = EACCES
    /// `EPERM`: the operation is not permitted to this user.
    public static let notPermitted: Int32 = EPERM
    /// `ENAMETOOLONG`: a path too long (a socket path beyond `sun_path`).
    public static let nameTooLong: Int32 = ENAMETOOLONG
    /// `ETIMEDOUT`: a deadline passed.
    public static let timedOut: Int32 = ETIMEDOUT
}
