import UDPLabOS

/// What to start: an engine's kind, I/O model, address and options (`DESIGN.md` §2).
///
/// Options left `nil` take their defaults, so a spec records only what the user chose.
public struct EngineSpec: Codable, Sendable, Equatable {
    /// What the engine does.
    public var kind: EngineKind
    /// The I/O model.
    public var backend: Backend
    /// Where its socket binds.
    public var bind: SocketAddress
    /// Outgoing queue capacity in datagrams (`--queue`), default 8 (for mmsg and uring, at least
    /// a batch).
    public var queue: Int?
    /// Receive buffer per datagram in bytes (`--buffer`), default 1500.
    public var buffer: Int?
    /// Datagrams handled per readiness event before yielding (`--budget`); 0 drains.
    public var budget: Int?
    /// Whether to emit the seed programs' per-event lines.
    public var trace: Bool
    /// How a multisocket engine drives its sockets (`--strategy`), default unordered.
    public var strategy: Strategy?
    /// How many sockets a multisocket engine opens (`--count`), default 10.
    public var count: Int?
    /// Seconds between a mixed engine's timer events (default 3) or a notify engine's
    /// notifications (default 1) (`--interval`).
    public var interval: Double?
    /// Polls after which a notify engine completes (`--polls`), default 10.
    public var polls: Int?
    /// Datagrams per `recvmmsg`/`sendmmsg` of an echo engine on backend mmsg, completions
    /// handled per `io_uring_enter` on backend uring, or 64 KiB GRO buffers per `recvmmsg` on
    /// backend gso (`--batch`), default 32.
    public var batch: Int?
    /// What an echo engine sends back (`--reply`), default ``ReplyMode/echo``.
    public var reply: ReplyMode?
    /// Whether an IPv6 bind also serves IPv4 (`--dual-stack`: `IPV6_V6ONLY` off); `nil` or
    /// `false`: IPv6 only, whatever `net.ipv6.bindv6only` says.
    public var dualStack: Bool?
    /// Loop threads of an echo engine, each with its own `SO_REUSEPORT` socket on the one
    /// address (`--threads`), default 1.
    public var threads: Int?
    /// How datagrams are spread over the threads (`--steer`), default ``Steer/hash``.
    public var steer: Steer?
    /// The source ports an echo engine never answers (`--deny-source-ports`), default
    /// ``SourcePortList/default``.
    public var denySourcePorts: SourcePortList?
    /// Echoes per second to one source prefix (`--rate-limit PPS[/BURST]`); `nil`: no limit.
    public var rateLimit: RateLimit?
    /// How `--rate-limit` groups sources (`--rate-limit-prefix V4/V6`), default /32 and /64.
    public var rateLimitPrefix: SourcePrefix?
    /// Echoes per second in all (`--rate-limit-total`); `nil`: no limit.
    public var rateLimitTotal: Int?
    /// Whether each echo carries its request's traffic class, DSCP and ECN (`--reflect-tos`);
    /// `nil` or `false`: the socket's default (0).
    public var reflectTOS: Bool?
    /// Where a relay engine's consumers register and are sent to (`--consumer-bind`), default
    /// ``effectiveConsumerBind``.
    public var consumerBind: SocketAddress?
    /// Consumers a relay engine holds at most (`--max-consumers`), default 64.
    public var maxConsumers: Int?
    /// Seconds after which a relay consumer that has not registered again is forgotten
    /// (`--consumer-timeout`); `nil`: never, as the seed planned.
    public var consumerTimeout: Double?

    /// `127.0.0.1:2000`, the seed's address.
    public static let defaultBind = SocketAddress(loopbackPort: 2000)
    /// Sockets of a multisocket engine by default.
    public static let defaultCount = 10
    /// Receive buffer per datagram by default, in bytes; multisocket's is the seed's 1024.
    public static let defaultBuffer = 1500
    public static let multisocketBuffer = 1024
    /// Datagrams per `recvmmsg`/`sendmmsg`, or completions per `io_uring_enter`, by default.
    public static let defaultBatch = 32
    /// Polls after which a notify engine completes by default.
    public static let defaultPolls = 10
    /// Seconds between a mixed engine's timer events, and a notify engine's notifications, by default.
    public static let mixedInterval = 3.0
    public static let notifyInterval = 1.0
    /// Datagrams a relay serves per socket per readiness event by default: measured
    /// (docs/internals.md, the starvation experiment), 0 lets a producers' flood that never runs
    /// dry starve the consumer socket and the relay's own sends, and 32 bounds that for a few
    /// per cent of throughput.
    public static let relayBudget = 32
    /// Consumers a relay engine holds at most by default.
    public static let defaultMaxConsumers = 64

    /// A spec with the given choices; `nil` options take their defaults.
    public init(
        kind: EngineKind = .echo,
        backend: Backend = .default,
        bind: SocketAddress = EngineSpec.defaultBind,
        queue: Int? = nil,
        buffer: Int? = nil,
        budget: Int? = nil,
        trace: Bool = false,
        strategy: Strategy? = nil,
        count: Int? = nil,
        interval: Double? = nil,
        polls: Int? = nil,
        batch: Int? = nil,
        reply: ReplyMode? = nil,
        dualStack: Bool? = nil,
        threads: Int? = nil,
        steer: Steer? = nil,
        denySourcePorts: SourcePortList? = nil,
        rateLimit: RateLimit? = nil,
        rateLimitPrefix: SourcePrefix? = nil,
        rateLimitTotal: Int? = nil,
        reflectTOS: Bool? = nil,
        consumerBind: SocketAddress? = nil,
        maxConsumers: Int? = nil,
        consumerTimeout: Double? = nil
    ) {
        self.kind = kind
        self.backend = backend
        self.bind = bind
        self.queue = queue
        self.buffer = buffer
        self.budget = budget
        self.trace = trace
        self.strategy = strategy
        self.count = count
        self.interval = interval
        self.polls = polls
        self.batch = batch
        self.reply = reply
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
    }

    /// The outgoing queue's capacity: exactly `--queue` datagrams (the seed's `len > 8` test held
    /// 9; udplab holds what it says), or the backend's default (``BackendTraits/defaultQueue``),
    /// which for mmsg and uring holds at least one batch, so that one receive can fill a batch (a
    /// receive takes only as many datagrams as the queue has free slots; uring's queue is its ring
    /// of receive buffers). flipflop refuses `--queue` and holds one.
    public var queueCapacity: Int {
        let traits = backend.traits
        return queue ?? (traits.queueHoldsBatch ? max(traits.defaultQueue, effectiveBatch) : traits.defaultQueue)
    }

    /// Datagrams per `recvmmsg`/`sendmmsg` (mmsg), or completions per `io_uring_enter` (uring).
    public var effectiveBatch: Int { batch ?? Self.defaultBatch }

    /// What an echo engine sends back.
    public var effectiveReply: ReplyMode { reply ?? .default }

    /// The source ports an echo engine never answers.
    public var effectiveDenySourcePorts: SourcePortList { denySourcePorts ?? .default }

    /// How `--rate-limit` groups sources.
    public var effectiveRateLimitPrefix: SourcePrefix { rateLimitPrefix ?? .default }

    /// Whether any rate limit applies.
    public var isRateLimited: Bool { rateLimit != nil || rateLimitTotal != nil }

    /// Whether this is an echo engine that hosts other than this one can reach (a bind outside
    /// `127.0.0.0/8` and `::1`, the wildcard included) with no rate limit: what the journal
    /// warns of, since such an engine echoes a spoofed flood at its victim at full speed.
    public var isExposedWithoutRateLimit: Bool { kind == .echo && !bind.isLoopback && !isRateLimited }

    /// Whether this is a relay engine whose consumer socket other hosts can reach: a forged
    /// registration makes it send its producers' datagrams to a victim, what the journal warns of.
    public var isRelayOpenToSpoofing: Bool {
        kind == .relay && !(effectiveConsumerBind?.isLoopback ?? true)
    }

    /// Whether the engine's IPv6 sockets also serve IPv4.
    public var isDualStack: Bool { dualStack ?? false }

    /// Whether each echo carries its request's traffic class.
    public var reflectsTOS: Bool { reflectTOS ?? false }

    /// What an echo engine's sockets learn of each datagram to answer it: its destination on a
    /// wildcard bind (a specific bind is the source already; its fast path asks for nothing), its
    /// traffic class with `--reflect-tos`.
    public var packetInfoOptions: UDPSocket.PacketInfoOptions {
        var options: UDPSocket.PacketInfoOptions = []
        if bind.isUnspecified { options.insert(.destination) }
        if reflectsTOS { options.insert(.trafficClass) }
        return options
    }

    /// The receive buffer size in bytes.
    public var bufferSize: Int { buffer ?? (kind == .multisocket ? Self.multisocketBuffer : Self.defaultBuffer) }

    /// The multisocket strategy in force.
    public var effectiveStrategy: Strategy { strategy ?? .default }

    /// The number of sockets the engine opens.
    public var socketCount: Int {
        switch kind {
        case .echo, .mixed: 1
        case .relay: 2
        case .multisocket: count ?? Self.defaultCount
        case .notify, .empty: 0
        }
    }

    /// The interval of a mixed or notify engine.
    public var effectiveInterval: Duration {
        .milliseconds(
            Int64(((interval ?? (kind == .mixed ? Self.mixedInterval : Self.notifyInterval)) * 1000).rounded())
        )
    }

    /// The polls after which a notify engine completes.
    public var effectivePolls: Int { polls ?? Self.defaultPolls }

    /// The engine's loops: `--threads` for an echo engine, else 1.
    public var laneCount: Int { kind == .echo ? threads ?? 1 : 1 }

    /// How datagrams are spread over the loops.
    public var effectiveSteer: Steer { steer ?? .default }

    /// A relay engine's consumer address: `--consumer-bind`, or `--bind`'s host at the next port
    /// (port 0 stays 0: the kernel picks; `nil` past port 65535, which ``problems()`` reports).
    public var effectiveConsumerBind: SocketAddress? {
        if let consumerBind { return consumerBind }
        guard bind.port != 0 else { return bind }
        guard bind.port < UInt16.max else { return nil }
        return bind.withPort(bind.port + 1)
    }

    /// Consumers a relay engine holds at most.
    public var effectiveMaxConsumers: Int { maxConsumers ?? Self.defaultMaxConsumers }

    /// How long a relay consumer stays registered without registering again; `nil`: for ever.
    public var effectiveConsumerTimeout: Duration? {
        consumerTimeout.map { .milliseconds(Int64(($0 * 1000).rounded())) }
    }

    /// Datagrams per readiness event; 0 means drain until would-block.
    public var effectiveBudget: Int { budget ?? (kind == .relay ? Self.relayBudget : backend.traits.defaultBudget) }
}
