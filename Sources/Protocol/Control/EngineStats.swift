/// What `Stats` reports about one engine: its counters and residence-time percentiles.
public struct EngineStats: Codable, Sendable, Equatable {
    public var name: String
    public var kind: String
    public var backend: String
    /// The multisocket strategy in force; `nil` for other kinds.
    public var strategy: String?
    public var state: String
    /// The first address bound, as in ``EngineInfo/address``.
    public var address: String
    /// When the engine started, microseconds since the Unix epoch.
    public var startedUsec: UInt64
    public var counters: CounterSnapshot
    /// Receive-to-send time of echoed datagrams, in nanoseconds.
    public var residenceNs: ResidenceSummary
    /// Datagrams received per socket, in socket order; empty unless the engine has more than one
    /// socket (with one, `counters.rx_datagrams` says it all).
    public var sockets: [SocketStats]
    /// A relay engine's registered consumers, in registration order; `nil` for other kinds.
    public var consumers: [ConsumerStats]?

    public init(
        name: String,
        kind: String,
        backend: String,
        strategy: String?,
        state: String,
        address: String,
        startedUsec: UInt64,
        counters: CounterSnapshot,
        residenceNs: ResidenceSummary,
        sockets: [SocketStats],
        consumers: [ConsumerStats]? = nil
    ) {
        self.name = name
        self.kind = kind
        self.backend = backend
        self.strategy = strategy
        self.state = state
        self.address = address
        self.startedUsec = startedUsec
        self.counters = counters
        self.residenceNs = residenceNs
        self.sockets = sockets
        self.consumers = consumers
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, backend, strategy, state, address, counters, sockets, consumers
        case startedUsec = "started_usec"
        case residenceNs = "residence_ns"
    }
}
