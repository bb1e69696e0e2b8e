import Dispatch
import Synchronization
import UDPLabOS
import UDPLabProtocol

/// Kind `notify`, after the seed's future-notify: one future that counts its polls; while it is
/// not done, a helper thread notifies its task `--interval` later. After `--polls` polls it
/// completes, and so does the engine (state `completed`).
///
/// The seed spawned a new thread per poll; udplab keeps one helper thread and arms it.
public final class NotifyLoop: EngineLoop {
    private let executor: ReactorExecutor
    private let future: CountingFuture
    public private(set) var isCompleted = false

    public init(spec: EngineSpec, control: LoopControl, counters: EngineCounters, trace: TraceSink?) throws(SystemError)
    {
        executor = try ReactorExecutor(counters: counters, control: control)
        future = CountingFuture(
            polls: spec.effectivePolls,
            interval: spec.effectiveInterval,
            counters: counters,
            trace: trace
        )
    }

    public func run() throws(SystemError) {
        try future.helper.start()
        defer { future.helper.stop() }
        let task = executor.spawn(future)
        isCompleted = try executor.run(completing: task)
    }
}

/// The seed's `MyFuture`: prints `future poll() count=K time=T`, asks to be notified again until
/// it has been polled `polls` times.
private final class CountingFuture: TaskFuture {
    let helper: DelayedNotifier
    private let polls: Int
    private let counters: EngineCounters
    private let trace: TraceSink?
    private let start = MonotonicClock.nanoseconds()
    private var count = 0

    init(polls: Int, interval: Duration, counters: EngineCounters, trace: TraceSink?) {
        self.polls = polls
        self.counters = counters
        self.trace = trace
        helper = DelayedNotifier(delay: interval)
    }

    func poll(_ context: TaskContext) -> PollResult {
        counters.futurePolls.increment()
        count += 1
        let elapsed = Double(MonotonicClock.nanoseconds() - start) / 1e9
        trace?("future poll() count=\(count) time=\(PrintfNumber.fixed(elapsed, digits: 9))s")
        guard count >= polls else {
            helper.notify(context.notifier)
            return .pending
        }
        trace?("Future complete.")
        return .ready
    }
}

/// A helper thread that notifies a task a fixed delay after being asked.
private final class DelayedNotifier: Sendable {
    private let state = Mutex<(pending: Notifier?, isStopping: Bool)>((nil, false))
    private let request = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let thread = Mutex<OSThread?>(nil)
    private let delay: Duration

    init(delay: Duration) {
        self.delay = delay
    }

    func start() throws(SystemError) {
        let thread = try OSThread.spawn(name: "udplab-notify") { [self] in serve() }
        self.thread.withLock { $0 = thread }
    }

    /// Notifies `notifier` after the delay.
    func notify(_ notifier: Notifier) {
        state.withLock { $0.pending = notifier }
        request.signal()
    }

    /// Ends the helper thread, cutting short a delay under way.
    func stop() {
        state.withLock { $0.isStopping = true }
        request.signal()
        stopped.signal()
        thread.withLock { $0?.join() }
    }

    private func serve() {
        let nanoseconds = Int(clamping: delay.nanoseconds)
        while true {
            request.wait()
            let (notifier, isStopping) = state.withLock { state in
                defer { state.pending = nil }
                return state
            }
            if isStopping { return }
            if stopped.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success { return }
            notifier?.notify()
        }
    }
}
