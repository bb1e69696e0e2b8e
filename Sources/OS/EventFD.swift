import CLinux
import Glibc

/// An eventfd(2) counter: a descriptor that becomes readable when another thread signals it.
public struct EventFD: ~Copyable, Sendable {
    /// The descriptor, for registration with a selector.
    public let descriptor: FileDescriptor

    /// Creates a non-blocking, close-on-exec eventfd with counter 0.
    ///
    /// The corresponding C call is `eventfd(2)`.
    public init() throws(SystemError) {
        let flags = Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC)
        descriptor = FileDescriptor(rawValue: try systemCall("eventfd") { eventfd(0, flags) })
    }

    /// Adds 1 to the counter, making the descriptor readable. Safe from any thread.
    ///
    /// The corresponding C call is `write(2)` of an 8-byte 1.
    /// - Returns: `.wouldBlock` only when the counter is already at its maximum, which is as good as signalled.
    @discardableResult
    public func signal() throws(SystemError) -> IOResult<Int> {
        var one: UInt64 = 1
        return try nonBlockingCall("write(eventfd)") { Glibc.write(descriptor.rawValue, &one, 8) }
    }

    /// Reads and resets the counter.
    ///
    /// The corresponding C call is `read(2)` of 8 bytes.
    /// - Returns: the counter's value, or `.wouldBlock` when it was 0.
    @discardableResult
    public func drain() throws(SystemError) -> IOResult<UInt64> {
        var value: UInt64 = 0
        let result = try nonBlockingCall("read(eventfd)") { Glibc.read(descriptor.rawValue, &value, 8) }
        guard case .processed = result else { return .wouldBlock }
        return .processed(value)
    }
}
