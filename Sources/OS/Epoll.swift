import CLinux
import Glibc

/// epoll(7), used directly by the epoll backends and underneath the ``Reactor``.
public enum Epoll {
    /// Interest and readiness bits of an `epoll_event`.
    public struct Flags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// `EPOLLIN`.
        public static let readable = Flags(rawValue: EPOLLIN.rawValue)
        /// `EPOLLOUT`.
        public static let writable = Flags(rawValue: EPOLLOUT.rawValue)
        /// `EPOLLERR`, always reported.
        public static let error = Flags(rawValue: EPOLLERR.rawValue)
        /// `EPOLLHUP`, always reported.
        public static let hangup = Flags(rawValue: EPOLLHUP.rawValue)
        /// `EPOLLET`: report a change of readiness once instead of while it lasts.
        public static let edgeTriggered = Flags(rawValue: EPOLLET.rawValue)
    }

    /// Creates an epoll instance (close-on-exec).
    ///
    /// The corresponding C call is `epoll_create1(2)`.
    public static func create() throws(SystemError) -> FileDescriptor {
        FileDescriptor(rawValue: try systemCall("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) })
    }

    /// Adds `descriptor` with `flags`; events carry `data`. The corresponding C call is `epoll_ctl(2)` `ADD`.
    public static func add(
        _ epoll: borrowing FileDescriptor,
        _ descriptor: borrowing FileDescriptor,
        flags: Flags,
        data: UInt64
    ) throws(SystemError) {
        try control(epoll, EPOLL_CTL_ADD, descriptor.rawValue, flags, data, "epoll_ctl(ADD)")
    }

    /// Changes the flags of a registered descriptor. The corresponding C call is `epoll_ctl(2)` `MOD`.
    ///
    /// - Note: a `MOD` re-arms an edge-triggered registration: a descriptor that is ready now
    ///   produces an event even though its readiness did not change.
    public static func modify(
        _ epoll: borrowing FileDescriptor,
        _ descriptor: borrowing FileDescriptor,
        flags: Flags,
        data: UInt64
    ) throws(SystemError) {
        try control(epoll, EPOLL_CTL_MOD, descriptor.rawValue, flags, data, "epoll_ctl(MOD)")
    }

    /// Changes the flags of the registered descriptor numbered `number` (for a source whose
    /// owner is not at hand). The corresponding C call is `epoll_ctl(2)` `MOD`.
    public static func modify(
        _ epoll: borrowing FileDescriptor,
        _ number: DescriptorNumber,
        flags: Flags,
        data: UInt64
    ) throws(SystemError) {
        try control(epoll, EPOLL_CTL_MOD, number.rawValue, flags, data, "epoll_ctl(MOD)")
    }

    /// Waits for events and stores them in `events`.
    ///
    /// The corresponding C call is `epoll_wait(2)`.
    ///
    /// - Parameters:
    ///   - epoll: the epoll instance.
    ///   - events: receives up to its capacity of events; its `count` is set.
    ///   - timeout: how long to wait; `nil` waits until an event arrives.
    /// - Returns: the number of events (0 on timeout).
    /// - Throws: ``SystemError``.
    @discardableResult
    public static func wait(
        _ epoll: borrowing FileDescriptor,
        into events: inout EventBuffer,
        timeout: Duration?
    ) throws(SystemError) -> Int {
        let milliseconds = Duration.milliseconds(forTimeout: timeout)
        let storage = events.storage
        let count = try systemCall("epoll_wait") {
            epoll_wait(epoll.rawValue, storage.baseAddress, Int32(storage.count), milliseconds)
        }
        events.count = Int(count)
        return Int(count)
    }

    private static func control(
        _ epoll: borrowing FileDescriptor,
        _ operation: Int32,
        _ descriptor: Int32,
        _ flags: Flags,
        _ data: UInt64,
        _ name: String
    ) throws(SystemError) {
        var event = epoll_event()
        event.events = flags.rawValue
        event.data.u64 = data
        _ = try systemCall(name) { epoll_ctl(epoll.rawValue, operation, descriptor, &event) }
    }
}

extension Epoll {
    /// A fixed-capacity, reusable array of `epoll_event` that ``Epoll/wait(_:into:timeout:)`` fills.
    public struct EventBuffer: ~Copyable {
        fileprivate let storage: UnsafeMutableBufferPointer<epoll_event>
        /// How many events the last wait stored.
        public fileprivate(set) var count = 0

        /// Allocates room for `capacity` events.
        public init(capacity: Int) {
            // Internal invariant: every caller passes a constant capacity.
            precondition(capacity > 0)
            storage = .allocate(capacity: capacity)
            storage.initialize(repeating: epoll_event())
        }

        deinit { storage.deallocate() }

        /// How many events one wait can return.
        public var capacity: Int { storage.count }

        /// The `data` word and flags of event `index` (< ``count``).
        public subscript(index: Int) -> (data: UInt64, flags: Flags) {
            // Internal invariant: callers iterate `0..<count`.
            precondition(index < count)
            let pointer = storage.baseAddress! + index
            return (CLinux_epoll_event_data(pointer), Flags(rawValue: CLinux_epoll_event_flags(pointer)))
        }
    }
}
