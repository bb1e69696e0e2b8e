/// The counters that describe an engine's own loop (its waits, system calls, tasks) rather than
/// its datagrams: a backend whose loop is another library's (`nio`, `nio-async`, on SwiftNIO's
/// event loop) cannot see them, and reports them absent, never as 0
/// (``Backend/unobservedCounters``, ``CounterSnapshot/absent``).
public enum LoopCounter: String, CaseIterable, Codable, Sendable {
    case recvWouldBlock = "recv_would_block"
    case sendWouldBlock = "send_would_block"
    case wakeups
    case emptyWakeups = "empty_wakeups"
    case events
    case interestChanges = "interest_changes"
    case syscalls
    case wakerWrites = "waker_writes"
    case taskPolls = "task_polls"
    case futurePolls = "future_polls"

    /// Where a snapshot keeps the counter's value.
    var keyPath: WritableKeyPath<CounterSnapshot, UInt64> {
        switch self {
        case .recvWouldBlock: \.recvWouldBlock
        case .sendWouldBlock: \.sendWouldBlock
        case .wakeups: \.wakeups
        case .emptyWakeups: \.emptyWakeups
        case .events: \.events
        case .interestChanges: \.interestChanges
        case .syscalls: \.syscalls
        case .wakerWrites: \.wakerWrites
        case .taskPolls: \.taskPolls
        case .futurePolls: \.futurePolls
        }
    }
}
