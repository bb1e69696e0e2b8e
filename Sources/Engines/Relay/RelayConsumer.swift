import UDPLabOS

/// One registered consumer of a relay engine and its counters: written by the engine's loop,
/// read from any thread (`udplabctl stats`, the metrics endpoint, the journal).
public final class RelayConsumer: Sendable {
    /// Where it registered from, and where its datagrams go.
    public let address: SocketAddress
    /// Datagrams sent to it.
    public let relayed = Counter()
    /// Datagrams it lost in the relay: its queue was full (its oldest went), or the send failed.
    public let dropped = Counter()
    /// The most datagrams that waited for it at once.
    public let queueHighWater = Counter()

    init(address: SocketAddress) {
        self.address = address
    }
}
