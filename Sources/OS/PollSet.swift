import Glibc

/// A reusable array of `pollfd` for poll(2), level-triggered like select(2) without its 1024 limit.
public struct PollSet {
    /// What to wait for on one descriptor, and what poll(2) reported.
    public struct Events: OptionSet, Sendable {
        public let rawValue: Int16
        public init(rawValue: Int16) { self.rawValue = rawValue }

        /// `POLLIN`.
        public static let readable = Events(rawValue: Int16(POLLIN))
        /// `POLLOUT`.
        public static let writable = Events(rawValue: Int16(POLLOUT))
        /// `POLLERR`, reported whether asked for or not.
        public static let error = Events(rawValue: Int16(POLLERR))
        /// `POLLHUP`, reported whether asked for or not.
        public static let hangup = Events(rawValue: Int16(POLLHUP))
    }

    private var entries: [pollfd] = []

    /// An empty set.
    public init() {}

    /// Watches `descriptor` for `events`.
    ///
    /// - Returns: the entry's index, for ``setEvents(_:at:)`` and ``returnedEvents(at:)``.
    @discardableResult
    public mutating func append(_ descriptor: borrowing FileDescriptor, events: Events) -> Int {
        entries.append(pollfd(fd: descriptor.rawValue, events: events.rawValue, revents: 0))
        return entries.count - 1
    }

    /// Changes what the entry at `index` waits for.
    public mutating func setEvents(_ events: Events, at index: Int) {
        entries[index].events = events.rawValue
    }

    /// What poll(2) reported for the entry at `index` on its last return.
    public func returnedEvents(at index: Int) -> Events {
        Events(rawValue: entries[index].revents)
    }

    /// Waits until an entry is ready.
    ///
    /// The corresponding C call is `poll(2)`.
    ///
    /// - Parameter timeout: how long to wait; `nil` waits until something is ready.
    /// - Returns: the number of entries with events (0 on timeout).
    /// - Throws: ``SystemError``.
    public mutating func wait(timeout: Duration?) throws(SystemError) -> Int {
        let milliseconds = Duration.milliseconds(forTimeout: timeout)
        let count = entries.count
        let result = try entries.withUnsafeMutableBufferPointer { buffer throws(SystemError) in
            try systemCall("poll") { Glibc.poll(buffer.baseAddress, nfds_t(count), milliseconds) }
        }
        return Int(result)
    }
}
