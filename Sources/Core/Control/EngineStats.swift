/// What `Stats` reports about one engine: its counters and residence-time percentiles.
public struct EngineStats: Codable, Sendable, Equatable {
    public var name: String
    public var kind: String
    public var backend: String
    public var state: String
    public var address: String
    /// When the engine started, microseconds since the Unix epoch.
    public var startedUsec: UInt64
    public var counters: CounterSnapshot
    /// Receive-to-send time of echoed datagrams, in nanoseconds.
    public var residenceNs: ResidenceSummary

    public init(
        name: String,
        kind: String,
        backend: String,
        state: String,
        address: String,
        startedUsec: UInt64,
        counters: CounterSnapshot,
        residenceNs: ResidenceSummary
    ) {
        self.name = name
        self.kind = kind
        self.backend = backend
        self.state = state
        self.address = address
        self.startedUsec = startedUsec
        self.counters = counters
        self.residenceNs = residenceNs
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, backend, state, address, counters
        case startedUsec = "started_usec"
        case residenceNs = "residence_ns"
    }
}
