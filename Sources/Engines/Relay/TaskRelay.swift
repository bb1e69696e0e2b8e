import UDPLabOS

/// A relay on udplab's task executor (backend `task`), in echo-tokio's shape: one future owns
/// both sockets and, each time it is polled, serves whichever the executor last saw readable, up
/// to `--budget` datagrams each, then sends what is owed. When a budget ran out it notifies
/// itself, so the executor looks at the reactor before polling it again.
public final class TaskRelay: EngineLoop {
    private let executor: ReactorExecutor

    /// Registers both sockets with a new executor and spawns the relay's one task.
    public init(path: RelayPath, control: LoopControl, counters: EngineCounters, budget: Int) throws(SystemError) {
        executor = try ReactorExecutor(counters: counters, control: control)
        let producers = try executor.register(path.producerSocket)
        let consumers = try executor.register(path.consumerSocket)
        executor.spawn(
            RelayFuture(
                path: path,
                producers: producers,
                consumers: consumers,
                executor: executor,
                counters: counters,
                budget: budget
            )
        )
    }

    public func run() throws(SystemError) {
        _ = try executor.run()
    }
}

/// The relay's one future; it never completes.
private final class RelayFuture: TaskFuture {
    private let path: RelayPath
    private let producers: ReadinessCache
    private let consumers: ReadinessCache
    private unowned let executor: ReactorExecutor
    private let counters: EngineCounters
    private let budget: Int
    /// When the executor's timer for the next expiry fires, in ``MonotonicClock`` nanoseconds.
    private var timerDeadline: UInt64?

    init(
        path: RelayPath,
        producers: ReadinessCache,
        consumers: ReadinessCache,
        executor: ReactorExecutor,
        counters: EngineCounters,
        budget: Int
    ) {
        self.path = path
        self.producers = producers
        self.consumers = consumers
        self.executor = executor
        self.counters = counters
        self.budget = budget
    }

    func poll(_ context: TaskContext) -> PollResult {
        counters.futurePolls.increment()
        var isYielding = false
        if producers.isReadable && !path.receiveProduced(budget: budget) {
            isYielding = true
        } else {
            producers.awaitReadable(context)
        }
        if consumers.isReadable && !path.receiveFromConsumers(budget: budget) {
            isYielding = true
        } else {
            consumers.awaitReadable(context)
        }
        if path.hasPending {
            if !consumers.isWritable {
                consumers.awaitWritable(context)
            } else if path.sendOwed() {
                // A failed re-arm leaves the datagrams owed until the next event; it is counted.
                if (try? executor.watchWrites(of: path.consumerSocket, consumers)) == nil {
                    counters.errors.increment()
                }
                consumers.awaitWritable(context)
            }
        }
        scheduleExpiry(context)
        if isYielding { context.notifier.notify() }
        return .pending
    }

    /// Expires what is due and asks the executor for a timer at the next expiry, unless one is
    /// set for then or sooner.
    private func scheduleExpiry(_ context: TaskContext) {
        let now = MonotonicClock.nanoseconds()
        if let deadline = timerDeadline, deadline <= now { timerDeadline = nil }
        guard let due = path.expire() else { return }
        let deadline = now &+ due.nanoseconds
        if let pending = timerDeadline, pending <= deadline { return }
        timerDeadline = deadline
        executor.notify(context, after: due)
    }
}
