import Glibc

/// A system call failed with an `errno` other than `EINTR` or would-block.
///
/// It names the call that failed, so that a message reads like `bind: Address already in use`.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `errno` value the call left behind.
    public let code: Int32
    /// The system call (or short operation name) that failed, e.g. `"bind"`.
    public let operation: String

    /// Creates an error for `operation` failing with `code`.
    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// `true` when the call failed because the address was already bound (`EADDRINUSE`).
    public var isAddressInUse: Bool { code == EADDRINUSE }

    /// `true` when the address is not one of this host's (`EADDRNOTAVAIL`).
    public var isAddressNotAvailable: Bool { code == EADDRNOTAVAIL }

    /// `true` when the call needs a privilege the process lacks (`EACCES`, `EPERM`).
    public var isPermissionDenied: Bool { code == EACCES || code == EPERM }

    /// The `strerror(3)` text for ``code``.
    public var reason: String { String(cString: strerror(code)) }

    public var description: String { "\(operation): \(reason) (errno \(code))" }
}
