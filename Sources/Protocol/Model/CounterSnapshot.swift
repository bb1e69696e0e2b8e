/// The values of an engine's counters at one moment, as they go on the wire (snake_case keys).
///
/// A counter in ``absent`` is one the engine's backend cannot see: it is left out of the wire
/// form (and read back as absent when missing), and ``value(_:)`` gives `nil` for it, so no
/// reader mistakes "not measured" for 0.
public struct CounterSnapshot: Codable, Sendable, Equatable {
    public var rxDatagrams: UInt64
    public var rxBytes: UInt64
    public var txDatagrams: UInt64
    public var txBytes: UInt64
    public var dropped: UInt64
    /// Datagrams received that the reply mode answers with nothing (`--reply sockperf`).
    public var unanswered: UInt64 = 0
    public var truncated: UInt64
    public var recvWouldBlock: UInt64
    public var sendWouldBlock: UInt64
    public var errors: UInt64
    public var wakeups: UInt64
    public var emptyWakeups: UInt64
    public var events: UInt64
    public var interestChanges: UInt64
    public var syscalls: UInt64
    public var wakerWrites: UInt64
    public var queueHighWater: UInt64
    public var taskPolls: UInt64
    public var futurePolls: UInt64
    public var timerEvents: UInt64
    /// Datagrams the kernel dropped before the engine could read them (its receive buffer was full).
    public var kernelDrops: UInt64 = 0
    /// Coalesced (GRO) buffers of more than one datagram received; 0 but on backend gso.
    public var groBuffers: UInt64 = 0
    /// Sends with `UDP_SEGMENT` (GSO) the kernel took; 0 but on backend gso.
    public var gsoSends: UInt64 = 0
    /// Trains sent datagram by datagram because the kernel refused GSO; 0 but on backend gso.
    public var gsoFallbacks: UInt64 = 0
    /// Datagrams a guard did not echo (`--deny-source-ports`).
    public var policyDrops: UInt64 = 0
    /// Of those, the datagrams over a rate limit (`--rate-limit`, `--rate-limit-total`).
    public var rateLimited: UInt64 = 0
    /// Echoes sent from the address their request reached (`IP_PKTINFO`, `IPV6_PKTINFO`): an
    /// engine on a wildcard address.
    public var pktinfoReplies: UInt64 = 0
    /// Echoes sent with their request's traffic class (`--reflect-tos`).
    public var tosReflected: UInt64 = 0
    /// Datagrams a relay's consumers sent that were neither `1` nor `0` (or `0` from no consumer).
    public var consumerIgnored: UInt64 = 0
    /// Relay registrations ignored because `--max-consumers` were registered.
    public var consumersRefused: UInt64 = 0
    /// Relay consumers forgotten after `--consumer-timeout` without a registration.
    public var consumersExpired: UInt64 = 0
    /// The loop counters the backend cannot see (their values above are 0 and mean nothing).
    public var absent: Set<LoopCounter> = []

    /// Every counter, given (the memberwise initializer, public for the engines' counters).
    public init(
        rxDatagrams: UInt64,
        rxBytes: UInt64,
        txDatagrams: UInt64,
        txBytes: UInt64,
        dropped: UInt64,
        unanswered: UInt64 = 0,
        truncated: UInt64,
        recvWouldBlock: UInt64,
        sendWouldBlock: UInt64,
        errors: UInt64,
        wakeups: UInt64,
        emptyWakeups: UInt64,
        events: UInt64,
        interestChanges: UInt64,
        syscalls: UInt64,
        wakerWrites: UInt64,
        queueHighWater: UInt64,
        taskPolls: UInt64,
        futurePolls: UInt64,
        timerEvents: UInt64,
        kernelDrops: UInt64 = 0,
        groBuffers: UInt64 = 0,
        gsoSends: UInt64 = 0,
        gsoFallbacks: UInt64 = 0,
        policyDrops: UInt64 = 0,
        rateLimited: UInt64 = 0,
        pktinfoReplies: UInt64 = 0,
        tosReflected: UInt64 = 0,
        consumerIgnored: UInt64 = 0,
        consumersRefused: UInt64 = 0,
        consumersExpired: UInt64 = 0,
        absent: Set<LoopCounter> = []
    ) {
        self.rxDatagrams = rxDatagrams
        self.rxBytes = rxBytes
        self.txDatagrams = txDatagrams
        self.txBytes = txBytes
        self.dropped = dropped
        self.unanswered = unanswered
        self.truncated = truncated
        self.recvWouldBlock = recvWouldBlock
        self.sendWouldBlock = sendWouldBlock
        self.errors = errors
        self.wakeups = wakeups
        self.emptyWakeups = emptyWakeups
        self.events = events
        self.interestChanges = interestChanges
        self.syscalls = syscalls
        self.wakerWrites = wakerWrites
        self.queueHighWater = queueHighWater
        self.taskPolls = taskPolls
        self.futurePolls = futurePolls
        self.timerEvents = timerEvents
        self.kernelDrops = kernelDrops
        self.groBuffers = groBuffers
        self.gsoSends = gsoSends
        self.gsoFallbacks = gsoFallbacks
        self.policyDrops = policyDrops
        self.rateLimited = rateLimited
        self.pktinfoReplies = pktinfoReplies
        self.tosReflected = tosReflected
        self.consumerIgnored = consumerIgnored
        self.consumersRefused = consumersRefused
        self.consumersExpired = consumersExpired
        self.absent = absent
    }

    enum CodingKeys: String, CodingKey {
        case rxDatagrams = "rx_datagrams"
        case rxBytes = "rx_bytes"
        case txDatagrams = "tx_datagrams"
        case txBytes = "tx_bytes"
        case dropped
        case unanswered
        case truncated
        case recvWouldBlock = "recv_would_block"
        case sendWouldBlock = "send_would_block"
        case errors
        case wakeups
        case emptyWakeups = "empty_wakeups"
        case events
        case interestChanges = "interest_changes"
        case syscalls
        case wakerWrites = "waker_writes"
        case queueHighWater = "queue_high_water"
        case taskPolls = "task_polls"
        case futurePolls = "future_polls"
        case timerEvents = "timer_events"
        case kernelDrops = "kernel_drops"
        case groBuffers = "gro_buffers"
        case gsoSends = "gso_sends"
        case gsoFallbacks = "gso_fallbacks"
        case policyDrops = "policy_drops"
        case rateLimited = "rate_limited"
        case pktinfoReplies = "pktinfo_replies"
        case tosReflected = "tos_reflected"
        case consumerIgnored = "consumer_ignored"
        case consumersRefused = "consumers_refused"
        case consumersExpired = "consumers_expired"
    }

    /// `count / rxDatagrams`, or `nil` before the first datagram.
    public func perDatagram(_ count: UInt64) -> Double? {
        rxDatagrams == 0 ? nil : Double(count) / Double(rxDatagrams)
    }

    /// A loop counter's value, or `nil` when the backend cannot see it.
    public func value(_ counter: LoopCounter) -> UInt64? {
        absent.contains(counter) ? nil : self[keyPath: counter.keyPath]
    }

    /// What ``perDatagram(_:)`` gives for a loop counter: `nil` also when the counter is absent.
    public func perDatagram(_ counter: LoopCounter) -> Double? {
        value(counter).flatMap(perDatagram)
    }
}

extension CounterSnapshot {
    /// The counters every backend sees, in wire order.
    private static var datagramFields: [(CodingKeys, WritableKeyPath<CounterSnapshot, UInt64>)] {
        [
            (.rxDatagrams, \.rxDatagrams), (.rxBytes, \.rxBytes), (.txDatagrams, \.txDatagrams),
            (.txBytes, \.txBytes), (.dropped, \.dropped), (.truncated, \.truncated), (.errors, \.errors),
            (.queueHighWater, \.queueHighWater), (.timerEvents, \.timerEvents),
        ]
    }

    /// The counters later daemons added, read as 0 from an older one.
    private static var laterFields: [(CodingKeys, WritableKeyPath<CounterSnapshot, UInt64>)] {
        [
            (.kernelDrops, \.kernelDrops), (.unanswered, \.unanswered), (.groBuffers, \.groBuffers),
            (.gsoSends, \.gsoSends), (.gsoFallbacks, \.gsoFallbacks), (.policyDrops, \.policyDrops),
            (.rateLimited, \.rateLimited), (.pktinfoReplies, \.pktinfoReplies), (.tosReflected, \.tosReflected),
            (.consumerIgnored, \.consumerIgnored), (.consumersRefused, \.consumersRefused),
            (.consumersExpired, \.consumersExpired),
        ]
    }

    /// Adds `other`'s counts to these (an engine's `--threads` lanes): every counter is summed
    /// but the queue's high water, which is the larger.
    public mutating func add(_ other: CounterSnapshot) {
        for (key, field) in Self.datagramFields + Self.laterFields where key != .queueHighWater {
            self[keyPath: field] &+= other[keyPath: field]
        }
        queueHighWater = max(queueHighWater, other.queueHighWater)
        for counter in LoopCounter.allCases {
            self[keyPath: counter.keyPath] &+= other[keyPath: counter.keyPath]
        }
    }

    public init(from decoder: any Decoder) throws {
        self.init(
            rxDatagrams: 0,
            rxBytes: 0,
            txDatagrams: 0,
            txBytes: 0,
            dropped: 0,
            truncated: 0,
            recvWouldBlock: 0,
            sendWouldBlock: 0,
            errors: 0,
            wakeups: 0,
            emptyWakeups: 0,
            events: 0,
            interestChanges: 0,
            syscalls: 0,
            wakerWrites: 0,
            queueHighWater: 0,
            taskPolls: 0,
            futurePolls: 0,
            timerEvents: 0
        )
        let container = try decoder.container(keyedBy: CodingKeys.self)
        for (key, field) in Self.datagramFields {
            self[keyPath: field] = try container.decode(UInt64.self, forKey: key)
        }
        for (key, field) in Self.laterFields {
            self[keyPath: field] = try container.decodeIfPresent(UInt64.self, forKey: key) ?? 0
        }
        for counter in LoopCounter.allCases {
            // The keys are the same strings, so this always finds one.
            guard let key = CodingKeys(rawValue: counter.rawValue) else { continue }
            if let value = try container.decodeIfPresent(UInt64.self, forKey: key) {
                self[keyPath: counter.keyPath] = value
            } else {
                absent.insert(counter)
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        for (key, field) in Self.datagramFields {
            try container.encode(self[keyPath: field], forKey: key)
        }
        for (key, field) in Self.laterFields {
            try container.encode(self[keyPath: field], forKey: key)
        }
        for counter in LoopCounter.allCases where !absent.contains(counter) {
            guard let key = CodingKeys(rawValue: counter.rawValue) else { continue }
            try container.encode(self[keyPath: counter.keyPath], forKey: key)
        }
    }
}
