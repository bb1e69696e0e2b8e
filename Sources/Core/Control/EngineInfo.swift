/// What `List` and `Start` report about one engine.
public struct EngineInfo: Codable, Sendable, Equatable {
    public var name: String
    public var kind: String
    public var backend: String
    /// The address asked for.
    public var bind: String
    /// The address bound (the kernel's port when port 0 was asked for).
    public var address: String
    /// `starting`, `running`, `stopping`, `stopped` or `failed`.
    public var state: String
    /// Why the engine failed, when it did.
    public var failure: String?
    /// `config` (declared in the config file) or `runtime` (started through the socket).
    public var origin: String
    /// A runtime engine that is not saved to the state file.
    public var transient: Bool
    public var queue: Int?
    public var buffer: Int?
    public var budget: Int?
    public var trace: Bool
    /// When the engine started, microseconds since the Unix epoch.
    public var startedUsec: UInt64

    public init(
        name: String,
        kind: String,
        backend: String,
        bind: String,
        address: String,
        state: String,
        failure: String?,
        origin: String,
        transient: Bool,
        queue: Int?,
        buffer: Int?,
        budget: Int?,
        trace: Bool,
        startedUsec: UInt64
    ) {
        self.name = name
        self.kind = kind
        self.backend = backend
        self.bind = bind
        self.address = address
        self.state = state
        self.failure = failure
        self.origin = origin
        self.transient = transient
        self.queue = queue
        self.buffer = buffer
        self.budget = budget
        self.trace = trace
        self.startedUsec = startedUsec
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, backend, bind, address, state, failure, origin, transient, queue, buffer, budget, trace
        case startedUsec = "started_usec"
    }
}
