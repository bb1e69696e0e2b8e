import UDPLabOS

/// A reusable buffer that ``Reactor/poll(_:timeout:)`` fills: kernel events first, then
/// user-space ones.
///
/// Its storage is allocated once, so polling allocates nothing.
public final class Events: Sequence {
    var kernel: Epoll.EventBuffer
    private var list: [Event] = []

    /// Room for `capacity` kernel events per poll (mio's `Events::with_capacity`).
    public init(capacity: Int = 64) {
        kernel = Epoll.EventBuffer(capacity: capacity)
        list.reserveCapacity(capacity)
    }

    /// How many events the last poll delivered.
    public var count: Int { list.count }

    /// `true` when the last poll delivered nothing (a timeout, or only the reactor's own wakeup).
    public var isEmpty: Bool { list.isEmpty }

    public func makeIterator() -> IndexingIterator<[Event]> { list.makeIterator() }

    func removeAll() { list.removeAll(keepingCapacity: true) }

    func append(_ event: Event) { list.append(event) }
}
