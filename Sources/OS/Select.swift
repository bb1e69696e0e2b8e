import CLinux
import Glibc

/// select(2): the oldest readiness interface, level-triggered by nature.
public enum Select {
    /// The lowest descriptor number select(2) cannot watch: an `fd_set` is a fixed bitmap of
    /// `FD_SETSIZE` (1024) bits, and `FD_SET` on a larger number writes past it.
    public static let descriptorLimit = Int32(FD_SETSIZE)

    /// Checks that select(2) can watch `descriptor`, so a loop can fail at start instead of
    /// corrupting memory in its first `FD_SET`.
    ///
    /// - Returns: `nil` when it can; otherwise the reason it cannot, for the user.
    public static func unwatchableReason(_ descriptor: borrowing FileDescriptor) -> String? {
        guard descriptor.rawValue >= descriptorLimit else { return nil }
        return
            "select(2) cannot watch descriptor \(descriptor.rawValue) (FD_SETSIZE is \(descriptorLimit)); use poll or epoll"
    }

    /// A set of descriptors for one direction, over the kernel's `fd_set`.
    public struct DescriptorSet {
        var raw = fd_set()
        /// One more than the highest descriptor in the set: select(2)'s `nfds` needs it.
        var limit: Int32 = 0

        /// An empty set.
        public init() { CLinux_FD_ZERO(&raw) }

        /// Empties the set. The corresponding C macro is `FD_ZERO`.
        public mutating func removeAll() {
            CLinux_FD_ZERO(&raw)
            limit = 0
        }

        /// Adds `descriptor`. The corresponding C macro is `FD_SET`.
        ///
        /// - Important: select(2) cannot watch a descriptor ≥ ``Select/descriptorLimit``. Check each
        ///   descriptor once with ``Select/unwatchableReason(_:)`` before a loop inserts it (the
        ///   select backend does, when it is built, and fails to start): the precondition guards
        ///   memory, no request can reach it.
        public mutating func insert(_ descriptor: borrowing FileDescriptor) {
            precondition(
                descriptor.rawValue < descriptorLimit,
                "select(2) cannot watch descriptor \(descriptor.rawValue)"
            )
            CLinux_FD_SET(descriptor.rawValue, &raw)
            limit = max(limit, descriptor.rawValue + 1)
        }

        /// `true` when select(2) left `descriptor` in the set. The corresponding C macro is `FD_ISSET`.
        public func contains(_ descriptor: borrowing FileDescriptor) -> Bool {
            withUnsafePointer(to: raw) { CLinux_FD_ISSET(descriptor.rawValue, $0) != 0 }
        }
    }

    /// Waits until a descriptor in `read` is readable or one in `write` is writable.
    ///
    /// The corresponding C call is `select(2)`. On return each set holds only the ready descriptors.
    ///
    /// - Parameters:
    ///   - read: descriptors to watch for reading.
    ///   - write: descriptors to watch for writing.
    ///   - timeout: how long to wait; `nil` waits until something is ready.
    /// - Returns: the number of ready descriptors (0 on timeout).
    /// - Throws: ``SystemError``.
    public static func wait(
        read: inout DescriptorSet,
        write: inout DescriptorSet,
        timeout: Duration?
    ) throws(SystemError) -> Int {
        let limit = max(read.limit, write.limit)
        var interval = timeval()
        let milliseconds = Duration.milliseconds(forTimeout: timeout)
        if milliseconds >= 0 {
            interval.tv_sec = Int(milliseconds / 1000)
            interval.tv_usec = Int(milliseconds % 1000) * 1000
        }
        let result = try systemCall("select") {
            milliseconds < 0
                ? Glibc.select(limit, &read.raw, &write.raw, nil, nil)
                : Glibc.select(limit, &read.raw, &write.raw, nil, &interval)
        }
        return Int(result)
    }
}
