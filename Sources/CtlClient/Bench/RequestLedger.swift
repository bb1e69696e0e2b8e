/// The requests of one run by sequence number: sent, answered, or given up on.
///
/// Sequence numbers count up from 0 and every request's time (its planned send time in `rate`
/// mode, else its actual one) is at least its predecessor's, so the oldest unresolved request is
/// always the next to time out. Slots form a ring of ``capacity``; a request still unanswered
/// when the ring comes round to it again is given up on, as it would be after the reply timeout.
///
/// Replies are matched by sequence number only: the first reply to a request answers it; a later
/// one is a duplicate; one for a request already given up on is late; one for a number never
/// sent is unknown. Requests sent before ``startMeasuring()`` are warm-up: they take part in the
/// accounting but are never counted.
struct RequestLedger {
    /// How many requests the ledger tracks at once: at 200k requests/s, 1.3 s of them.
    static let capacity = 1 << 18
    private static let mask = UInt64(capacity - 1)

    /// What a reply turned out to be.
    enum Match: Equatable {
        /// The first reply to a recorded request sent at `sentAt` (nanoseconds).
        case measured(sentAt: UInt64)
        /// A second reply to a recorded request.
        case duplicate
        /// A reply to a recorded request already counted as lost.
        case late
        /// Any reply to a warm-up request.
        case warmup
        /// A sequence number that was never sent.
        case unknown
    }

    private enum SlotState: UInt8 {
        case pending
        case answered
        case expired
    }

    private var sendTimes: [UInt64]
    private var states: [SlotState]
    /// The number the next request gets.
    private(set) var nextSequence: UInt64 = 0
    /// Every request below this one is answered or given up on.
    private var oldestUnresolved: UInt64 = 0
    /// The first recorded request; `.max` during the warm-up.
    private var measuredFrom = UInt64.max
    /// Requests sent and neither answered nor given up on.
    private(set) var pendingCount = 0
    /// Recorded requests given up on.
    private(set) var lost = 0

    /// An empty ledger; its arrays are allocated here, never while a run is sending.
    init() {
        sendTimes = Array(repeating: 0, count: Self.capacity)
        states = Array(repeating: .expired, count: Self.capacity)
    }

    /// Recorded requests sent so far.
    var measuredSent: Int {
        nextSequence >= measuredFrom ? Int(nextSequence - measuredFrom) : 0
    }

    /// Makes every request from the next one on a recorded one.
    mutating func startMeasuring() {
        measuredFrom = nextSequence
    }

    /// Notes a request that has just been sent.
    ///
    /// - Parameter time: what its latency is measured from; never less than the previous one's.
    /// - Returns: the request's sequence number, ``nextSequence`` before the call.
    @discardableResult
    mutating func recordSend(at time: UInt64) -> UInt64 {
        if nextSequence - oldestUnresolved == UInt64(Self.capacity) {
            giveUp(on: oldestUnresolved)
            skipResolved()
        }
        let sequence = nextSequence
        let slot = Int(sequence & Self.mask)
        sendTimes[slot] = time
        states[slot] = .pending
        pendingCount += 1
        nextSequence += 1
        return sequence
    }

    /// Classifies a reply carrying `sequence`, marking its request answered if it was pending.
    mutating func match(_ sequence: UInt64) -> Match {
        guard sequence < nextSequence else { return .unknown }
        let isMeasured = sequence >= measuredFrom
        // Beyond the ring its slot holds a newer request: it was given up on long ago.
        guard nextSequence - sequence <= UInt64(Self.capacity) else { return isMeasured ? .late : .warmup }
        let slot = Int(sequence & Self.mask)
        switch states[slot] {
        case .pending:
            states[slot] = .answered
            pendingCount -= 1
            if sequence == oldestUnresolved { skipResolved() }
            return isMeasured ? .measured(sentAt: sendTimes[slot]) : .warmup
        case .answered:
            return isMeasured ? .duplicate : .warmup
        case .expired:
            return isMeasured ? .late : .warmup
        }
    }

    /// Gives up on every pending request whose time is before `deadline`.
    ///
    /// - Parameter deadline: now minus the reply timeout; `.max` gives up on everything pending.
    mutating func expire(sentBefore deadline: UInt64) {
        while oldestUnresolved < nextSequence {
            let slot = Int(oldestUnresolved & Self.mask)
            if states[slot] == .pending {
                guard sendTimes[slot] < deadline else { return }
                giveUp(on: oldestUnresolved)
            }
            oldestUnresolved += 1
        }
    }

    /// Marks the pending request `sequence` as given up on; counts it when it was recorded.
    private mutating func giveUp(on sequence: UInt64) {
        let slot = Int(sequence & Self.mask)
        guard states[slot] == .pending else { return }
        states[slot] = .expired
        pendingCount -= 1
        if sequence >= measuredFrom { lost += 1 }
    }

    /// Moves ``oldestUnresolved`` past requests that are no longer pending.
    private mutating func skipResolved() {
        while oldestUnresolved < nextSequence, states[Int(oldestUnresolved & Self.mask)] != .pending {
            oldestUnresolved += 1
        }
    }
}
