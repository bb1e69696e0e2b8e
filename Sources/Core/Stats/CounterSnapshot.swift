/// The values of an engine's counters at one moment, as they go on the wire (snake_case keys).
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
    }

    /// `count / rxDatagrams`, or `nil` before the first datagram.
    public func perDatagram(_ count: UInt64) -> Double? {
        rxDatagrams == 0 ? nil : Double(count) / Double(rxDatagrams)
    }
}
