/// `io.udplab.Start`: start (and, unless transient, persist) an engine.
///
/// Every option is optional and left out when not given, so the daemon applies its defaults and
/// checks which options apply to which kind (`--count` only for multisocket, and so on).
public enum StartMethod {
    public static let name = "io.udplab.Start"

    public struct Parameters: Codable, Sendable, Equatable {
        /// Defaults to the kind's name.
        public var name: String?
        /// `echo`, `multisocket`, `mixed`, `notify` or `empty`.
        public var kind: String
        /// The I/O model of an echo engine.
        public var backend: String?
        /// How a multisocket engine drives its sockets: `join`, `spawn`, `unordered` or `taskgroup`.
        public var strategy: String?
        public var bind: String?
        /// How many sockets a multisocket engine opens, on consecutive ports from `bind`.
        public var count: Int?
        public var queue: Int?
        public var buffer: Int?
        public var budget: Int?
        /// Datagrams per recvmmsg/sendmmsg of an echo engine on backend mmsg.
        public var batch: Int?
        /// What an echo engine sends back: `echo` or `sockperf`.
        public var reply: String?
        /// Seconds between a mixed engine's timer events or a notify engine's notifications.
        public var interval: Double?
        /// Polls after which a notify engine completes.
        public var polls: Int?
        public var trace: Bool?
        /// Not saved to the state file: gone after a restart.
        public var transient: Bool?
        /// An IPv6 bind also serves IPv4 (`IPV6_V6ONLY` off); on the wire `dual_stack`.
        public var dualStack: Bool?

        public init(
            name: String? = nil,
            kind: String,
            backend: String? = nil,
            strategy: String? = nil,
            bind: String? = nil,
            count: Int? = nil,
            queue: Int? = nil,
            buffer: Int? = nil,
            budget: Int? = nil,
            batch: Int? = nil,
            reply: String? = nil,
            interval: Double? = nil,
            polls: Int? = nil,
            trace: Bool? = nil,
            transient: Bool? = nil,
            dualStack: Bool? = nil
        ) {
            self.name = name
            self.kind = kind
            self.backend = backend
            self.strategy = strategy
            self.bind = bind
            self.count = count
            self.queue = queue
            self.buffer = buffer
            self.budget = budget
            self.batch = batch
            self.reply = reply
            self.interval = interval
            self.polls = polls
            self.trace = trace
            self.transient = transient
            self.dualStack = dualStack
        }

        enum CodingKeys: String, CodingKey {
            case name, kind, backend, strategy, bind, count, queue, buffer, budget, batch, reply, interval, polls
            case trace, transient
            case dualStack = "dual_stack"
        }
    }

    public struct Reply: Codable, Sendable, Equatable {
        public var engine: EngineInfo
        public init(engine: EngineInfo) { self.engine = engine }
    }
}

extension StartMethod.Parameters: RangedParameters {
    /// ``EngineSpec``'s ranges; those that depend on the backend (`budget` on `nio`) are checked
    /// with the spec (`InvalidSpec`).
    public static var integerRanges: [String: ClosedRange<Int>] {
        [
            "count": EngineSpec.countRange, "queue": EngineSpec.queueRange, "buffer": EngineSpec.bufferRange,
            "budget": EngineSpec.budgetRange, "batch": EngineSpec.batchRange, "polls": EngineSpec.pollsRange,
        ]
    }

    public static var numberRanges: [String: ClosedRange<Double>] { ["interval": EngineSpec.intervalRange] }
}
