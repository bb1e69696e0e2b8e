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
    /// Datagrams per `recvmmsg`/`sendmmsg` of an echo engine on backend mmsg, or completions
    /// handled per `io_uring_enter` on backend uring (`--batch`), default 32.
    public var batch: Int?
    /// What an echo engine sends back (`--reply`), default ``ReplyMode/echo``.
    public var reply: ReplyMode?
    /// Whether an IPv6 bind also serves IPv4 (`--dual-stack`: `IPV6_V6ONLY` off); `nil` or
    /// `false`: IPv6 only, whatever `net.ipv6.bindv6only` says.
    public var dualStack: Bool?

    /// `127.0.0.1:2000`, the seed's address.
    public static let defaultBind = SocketAddress(loopbackPort: 2000)
    /// Allowed `--queue` values: every slot holds a preallocated buffer.
    public static let queueRange = 1...4096
    /// Allowed `--buffer` values: the largest UDP payload fits in 65535.
    public static let bufferRange = 1...65535
    /// Allowed `--budget` values.
    public static let budgetRange = 0...1_000_000
    /// Allowed `--budget` values on backend `nio` (NIO's `maxMessagesPerRead`).
    public static let nioBudgetRange = 1...1024
    /// Allowed `--count` values.
    public static let countRange = 1...1024
    /// Allowed `--interval` values, in seconds.
    public static let intervalRange = 0.01...3600
    /// Allowed `--polls` values.
    public static let pollsRange = 1...1_000_000
    /// Allowed `--batch` values.
    public static let batchRange = 1...1024

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
        dualStack: Bool? = nil
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
    }

    /// The outgoing queue's capacity: exactly `--queue` datagrams (the seed's `len > 8` test held
    /// 9; udplab holds what it says), or 1 for `flipflop`. By default 8, or for `mmsg` at least
    /// one batch, so that one `recvmmsg` can fill a batch (a receive takes only as many datagrams
    /// as the queue has free slots; uring's queue is its ring of receive buffers).
    public var queueCapacity: Int {
        switch backend {
        case .flipflop: 1
        case .mmsg, .uring: queue ?? max(8, effectiveBatch)
        // Also nio-async's read cycle (NIO's maxMessagesPerRead): replies leave in batches of up
        // to this many, so a deeper default pays at saturation.
        case .nioAsync: queue ?? 32
        default: queue ?? 8
        }
    }

    /// Datagrams per `recvmmsg`/`sendmmsg` (mmsg), or completions per `io_uring_enter` (uring).
    public var effectiveBatch: Int { batch ?? 32 }

    /// What an echo engine sends back.
    public var effectiveReply: ReplyMode { reply ?? .default }

    /// Whether the engine's IPv6 sockets also serve IPv4.
    public var isDualStack: Bool { dualStack ?? false }

    /// The receive buffer size in bytes: 1500, or 1024 for multisocket (as the seed).
    public var bufferSize: Int { buffer ?? (kind == .multisocket ? 1024 : 1500) }

    /// The multisocket strategy in force.
    public var effectiveStrategy: Strategy { strategy ?? .default }

    /// The number of sockets a multisocket engine opens.
    public var socketCount: Int {
        switch kind {
        case .echo, .mixed: 1
        case .multisocket: count ?? 10
        case .notify, .empty: 0
        }
    }

    /// The interval of a mixed (3 s) or notify (1 s) engine.
    public var effectiveInterval: Duration {
        .milliseconds(Int64(((interval ?? (kind == .mixed ? 3 : 1)) * 1000).rounded()))
    }

    /// The polls after which a notify engine completes.
    public var effectivePolls: Int { polls ?? 10 }

    /// Datagrams per readiness event; 0 means drain until would-block.
    public var effectiveBudget: Int { budget ?? backend.defaultBudget }

    /// Checks every option.
    /// - Throws: ``EngineError/invalidSpec(_:)`` naming the option and the allowed values.
    public func validate() throws(EngineError) {
        try validateApplicability()
        if let count, !Self.countRange.contains(count) {
            throw .invalidSpec(
                "--count \(count) is out of range: use \(Self.countRange.lowerBound)–\(Self.countRange.upperBound)"
            )
        }
        // Also with the default count: multisocket's ports run from the bind port up.
        if socketCount > 1, bind.port != 0, Int(bind.port) + socketCount - 1 > 65535 {
            throw .invalidSpec("--count \(socketCount) sockets from port \(bind.port) would pass port 65535")
        }
        if let interval, !Self.intervalRange.contains(interval) {
            throw .invalidSpec("--interval \(interval)s is out of range: use 10ms to 1h")
        }
        if let polls, !Self.pollsRange.contains(polls) {
            throw .invalidSpec(
                "--polls \(polls) is out of range: use \(Self.pollsRange.lowerBound)–\(Self.pollsRange.upperBound)"
            )
        }
        if let queue {
            if backend == .flipflop {
                throw .invalidSpec("--queue does not apply to backend flipflop: it holds exactly one pending datagram")
            }
            if backend == .nio {
                throw .invalidSpec("--queue does not apply to backend nio: SwiftNIO's channel buffers its own writes")
            }
            guard Self.queueRange.contains(queue) else {
                throw .invalidSpec(
                    "--queue \(queue) is out of range: use \(Self.queueRange.lowerBound)–\(Self.queueRange.upperBound)"
                )
            }
        }
        if let buffer, !Self.bufferRange.contains(buffer) {
            throw .invalidSpec(
                "--buffer \(buffer) is out of range: use \(Self.bufferRange.lowerBound)–\(Self.bufferRange.upperBound) bytes"
            )
        }
        if budget != nil, backend == .uring {
            throw .invalidSpec("--budget does not apply to backend uring: it has no readiness events to budget")
        }
        if budget != nil, backend == .nioAsync {
            throw .invalidSpec(
                "--budget does not apply to backend nio-async: it reads as many datagrams per readiness event as --queue holds"
            )
        }
        if backend == .nio, let budget, !Self.nioBudgetRange.contains(budget) {
            throw .invalidSpec(
                "--budget \(budget) is out of range for backend nio: use \(Self.nioBudgetRange.lowerBound)–\(Self.nioBudgetRange.upperBound) (NIO's maxMessagesPerRead: it reads at most that many datagrams per readiness event and cannot drain)"
            )
        }
        if let budget, !Self.budgetRange.contains(budget) {
            throw .invalidSpec("--budget \(budget) is out of range: use 0 (drain) to \(Self.budgetRange.upperBound)")
        }
        if let batch {
            if backend != .mmsg && backend != .uring {
                throw .invalidSpec(
                    "--batch does not apply to backend \(backend.rawValue): it is for backends mmsg and uring"
                )
            }
            guard Self.batchRange.contains(batch) else {
                throw .invalidSpec(
                    "--batch \(batch) is out of range: use \(Self.batchRange.lowerBound)–\(Self.batchRange.upperBound)"
                )
            }
        }
    }

    /// Rejects options the kind has no use for, naming the kinds they belong to.
    private func validateApplicability() throws(EngineError) {
        func reject(_ option: String, _ kinds: String) -> EngineError {
            .invalidSpec("\(option) does not apply to kind \(kind.rawValue): it is for \(kinds)")
        }
        if kind != .echo {
            if backend != .default { throw reject("--backend", "echo engines (other kinds run on udplab's reactor)") }
            if queue != nil { throw reject("--queue", "echo engines") }
            if budget != nil { throw reject("--budget", "echo engines") }
            if batch != nil { throw reject("--batch", "echo engines with backend mmsg or uring") }
            if reply != nil { throw reject("--reply", "echo engines") }
        }
        if kind != .multisocket {
            if strategy != nil { throw reject("--strategy", "multisocket engines") }
            if count != nil { throw reject("--count", "multisocket engines") }
        }
        if kind != .mixed && kind != .notify && interval != nil {
            throw reject("--interval", "mixed and notify engines")
        }
        if kind != .notify && polls != nil { throw reject("--polls", "notify engines") }
        if (kind == .notify || kind == .empty) && buffer != nil { throw reject("--buffer", "engines with sockets") }
        if isDualStack {
            if kind == .notify || kind == .empty { throw reject("--dual-stack", "engines with sockets") }
            if !bind.isIPv6 {
                throw .invalidSpec(
                    "--dual-stack needs an IPv6 --bind, such as [::]:\(bind.port): an IPv4 socket (\(bind)) cannot receive IPv6"
                )
            }
        }
    }
}
