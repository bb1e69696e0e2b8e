import Glibc

/// Owns one open file descriptor and closes it exactly once, when the owner goes away.
///
/// It cannot be copied, so two owners can never close the same number twice.
public struct FileDescriptor: ~Copyable, Sendable {
    /// The descriptor number. Only `Sources/OS` reads it (`package`: `Sources/OS/URing` too).
    package let rawValue: Int32

    /// Takes ownership of `rawValue`, which must be an open descriptor.
    init(rawValue: Int32) {
        // Internal invariant: every descriptor comes from a call that succeeded (`systemCall` throws on -1) or an adopted one that `fcntl` accepted.
        precondition(rawValue >= 0, "invalid descriptor \(rawValue)")
        self.rawValue = rawValue
    }

    deinit {
        // close(2) on Linux always releases the descriptor, even when it reports EINTR; retrying
        // could close a descriptor another thread has just been given. So the result is ignored.
        _ = Glibc.close(rawValue)
    }

    /// Closes an inherited descriptor nothing in this process owns (e.g. a socket systemd passed
    /// that the daemon does not use). The corresponding C call is `close(2)`.
    public static func closeInherited(_ rawValue: Int32) {
        _ = Glibc.close(rawValue)
    }
}
