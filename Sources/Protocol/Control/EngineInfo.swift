/// What `List` and `Start` report about one engine.
///
/// Options (`count`, `queue`, `buffer`, `budget`, `batch`, `reply`, `interval`, `polls`) are reported as they were
/// given, `nil` (left out on the wire) when the engine runs on the default or the option does not
/// apply to its kind. `strategy` is the multisocket strategy in force, the default included, as
/// `backend` is the echo backend in force.
public struct EngineInfo: Codable, Sendable, Equatable {
    public var name: String
    public var kind: String
    public var backend: String
    /// The multisocket strategy in force; `nil` for other kinds.
    public var strategy: String?
    /// The address asked for.
    public var bind: String
    /// The first address bound (the kernel's port when port 0 was asked for), or `bind` when
    /// nothing is bound (an engine that failed to start, or a kind without sockets).
    public var address: String
    /// Every address bound, in socket order: one for echo and mixed, `count` for multisocket,
    /// none for notify and empty (or an engine that failed to start).
    public var addresses: [String]
    /// `starting`, `running`, `stopping`, `stopped`, `completed` or `failed`.
    public var state: String
    /// Why the engine failed, when it did.
    public var failure: String?
    /// `config` (declared in the config file) or `runtime` (started through the socket).
    public var origin: String
    /// A runtime engine that is not saved to the state file.
    public var transient: Bool
    public var count: Int?
    public var queue: Int?
    public var buffer: Int?
    public var budget: Int?
    /// Datagrams per recvmmsg/sendmmsg (echo on backend mmsg).
    public var batch: Int?
    /// What an echo engine sends back: `echo` or `sockperf`.
    public var reply: String?
    /// Seconds between timer events (mixed) or notifications (notify).
    public var interval: Double?
    public var polls: Int?
    public var trace: Bool
    /// `true` when an IPv6 engine also serves IPv4 (`--dual-stack`); absent otherwise.
    public var dualStack: Bool?
    /// An echo engine's `--threads` and `--steer`, when given.
    public var threads: Int?
    public var steer: String?
    /// An echo engine's `--deny-source-ports`, when given.
    public var denySourcePorts: String?
    /// An echo engine's `--rate-limit`, `--rate-limit-prefix` and `--rate-limit-total`, when given.
    public var rateLimit: String?
    public var rateLimitPrefix: String?
    public var rateLimitTotal: Int?
    /// `true` when an echo engine reflects its requests' traffic class (`--reflect-tos`); absent otherwise.
    public var reflectTOS: Bool?
    /// A relay engine's `--consumer-bind` in force (the default included), `--max-consumers` and
    /// `--consumer-timeout` in seconds, when given; absent for other kinds.
    public var consumerBind: String?
    public var maxConsumers: Int?
    public var consumerTimeout: Double?
    /// When the engine started, microseconds since the Unix epoch.
    public var startedUsec: UInt64

    public init(
        name: String,
        kind: String,
        backend: String,
        strategy: String?,
        bind: String,
        address: String,
        addresses: [String],
        state: String,
        failure: String?,
        origin: String,
        transient: Bool,
        count: Int?,
        queue: Int?,
        buffer: Int?,
        budget: Int?,
        batch: Int? = nil,
        reply: String? = nil,
        interval: Double?,
        polls: Int?,
        trace: Bool,
        dualStack: Bool? = nil,
        threads: Int? = nil,
        steer: String? = nil,
        denySourcePorts: String? = nil,
        rateLimit: String? = nil,
        rateLimitPrefix: String? = nil,
        rateLimitTotal: Int? = nil,
        reflectTOS: Bool? = nil,
        consumerBind: String? = nil,
        maxConsumers: Int? = nil,
        consumerTimeout: Double? = nil,
        startedUsec: UInt64
    ) {
        self.name = name
        self.kind = kind
        self.backend = backend
        self.strategy = strategy
        self.bind = bind
        self.address = address
        self.addresses = addresses
        self.state = state
        self.failure = failure
        self.origin = origin
        self.transient = transient
        self.count = count
        self.queue = queue
        self.buffer = buffer
        self.budget = budget
        self.batch = batch
        self.reply = reply
        self.interval = interval
        self.polls = polls
        self.trace = trace
        self.dualStack = dualStack
        self.threads = threads
        self.steer = steer
        self.denySourcePorts = denySourcePorts
        self.rateLimit = rateLimit
        self.rateLimitPrefix = rateLimitPrefix
        self.rateLimitTotal = rateLimitTotal
        self.reflectTOS = reflectTOS
        self.consumerBind = consumerBind
        self.maxConsumers = maxConsumers
        self.consumerTimeout = consumerTimeout
        self.startedUsec = startedUsec
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, backend, strategy, bind, address, addresses, state, failure, origin, transient
        case count, queue, buffer, budget, batch, reply, interval, polls, trace
        case dualStack = "dual_stack"
        case threads, steer
        case denySourcePorts = "deny_source_ports"
        case rateLimit = "rate_limit"
        case rateLimitPrefix = "rate_limit_prefix"
        case rateLimitTotal = "rate_limit_total"
        case reflectTOS = "reflect_tos"
        case consumerBind = "consumer_bind"
        case maxConsumers = "max_consumers"
        case consumerTimeout = "consumer_timeout"
        case startedUsec = "started_usec"
    }
}
