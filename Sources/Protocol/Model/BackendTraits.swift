/// What udplab says about one echo backend, declared once in ``Backend/traits``: what it is,
/// which seed program it mirrors, how it is told about readiness, the options it refuses and
/// their defaults on it. The engine factory's `switch` builds it; nothing else switches over
/// backends.
public struct BackendTraits: Sendable {
    /// One line for `--help` and `udplabctl backends`.
    public let summary: String
    /// The seed program it mirrors.
    public let mirrors: String
    /// Whether it handles readiness level- or edge-triggered.
    public let trigger: Trigger
    /// Whether udplab sees its loop (waits, system calls, wakeups); SwiftNIO's loops are NIO's,
    /// so their loop counters are reported absent, never as 0.
    public let observesLoop: Bool
    /// Datagrams handled per readiness event by default; 0 drains until would-block.
    public let defaultBudget: Int
    /// The `--budget` values it allows, and why when it allows fewer than the option does.
    public let budgetRange: (range: ClosedRange<Int>, why: String)?
    /// Outgoing queue capacity in datagrams by default.
    public let defaultQueue: Int
    /// Whether the default queue holds at least one `--batch` (mmsg, uring), so that one receive
    /// can fill a batch.
    public let queueHoldsBatch: Bool
    /// Options it refuses even on an echo engine, and why.
    public let refuses: [EngineOption: String]
    /// Why it refuses a wildcard `--bind` (`0.0.0.0`, `[::]`), where it could not reply from the
    /// address each request reached; `nil`: it replies from that address (`IP_PKTINFO`).
    public let refusesWildcardBind: String?
    /// Why it cannot run a relay engine; `nil`: it can (the readiness backends, task and mmsg).
    public let refusesRelay: String?

    public init(
        summary: String,
        mirrors: String,
        trigger: Trigger,
        observesLoop: Bool = true,
        defaultBudget: Int? = nil,
        budgetRange: (range: ClosedRange<Int>, why: String)? = nil,
        defaultQueue: Int = 8,
        queueHoldsBatch: Bool = false,
        refuses: [EngineOption: String] = [:],
        refusesWildcardBind: String? = nil,
        refusesRelay: String? = nil
    ) {
        self.summary = summary
        self.mirrors = mirrors
        self.trigger = trigger
        self.observesLoop = observesLoop
        // As the seed's programs did: one datagram per event when level-triggered, drain when edge.
        self.defaultBudget = defaultBudget ?? (trigger == .level ? 1 : 0)
        self.budgetRange = budgetRange
        self.defaultQueue = defaultQueue
        self.queueHoldsBatch = queueHoldsBatch
        self.refuses = refuses
        self.refusesWildcardBind = refusesWildcardBind
        self.refusesRelay = refusesRelay
    }
}
