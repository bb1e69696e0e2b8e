import Synchronization

/// The consumers a relay engine holds now, readable from any thread: its loop changes the list
/// only when a consumer registers, leaves or expires, never per datagram.
public final class RelayConsumers: Sendable {
    private let list = Mutex<[RelayConsumer]>([])

    /// An empty list.
    public init() {}

    /// The consumers, in registration order.
    public var current: [RelayConsumer] { list.withLock { $0 } }

    /// Replaces the list; only the engine's loop calls this.
    func publish(_ consumers: [RelayConsumer]) {
        list.withLock { $0 = consumers }
    }
}
