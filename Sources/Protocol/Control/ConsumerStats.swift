/// One consumer of a relay engine, as `Stats` reports it.
public struct ConsumerStats: Codable, Sendable, Equatable {
    /// Where it registered from, and where its datagrams go.
    public var address: String
    /// Datagrams sent to it.
    public var relayed: UInt64
    /// Datagrams it lost in the relay: its queue was full, or the send failed.
    public var dropped: UInt64
    /// The most datagrams that waited for it at once.
    public var queueHighWater: UInt64

    public init(address: String, relayed: UInt64, dropped: UInt64, queueHighWater: UInt64) {
        self.address = address
        self.relayed = relayed
        self.dropped = dropped
        self.queueHighWater = queueHighWater
    }

    enum CodingKeys: String, CodingKey {
        case address, relayed, dropped
        case queueHighWater = "queue_high_water"
    }
}
