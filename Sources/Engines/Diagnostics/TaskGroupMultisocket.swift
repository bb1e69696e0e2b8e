import Synchronization
import UDPLabOS

/// Multisocket strategy `taskgroup`: Swift structured concurrency. One child task per socket in
/// a `TaskGroup`, each awaiting its socket's readiness; every job runs on the engine's own thread
/// (a `TaskExecutor` over the reactor), never on the cooperative pool.
///
/// Each child drives the same ``SocketDrain`` future the other strategies use, so a datagram
/// costs one future poll here too; what differs is how the wake-up travels: readiness → the
/// child's continuation → a job on this thread.
public final class TaskGroupMultisocket: EngineLoop {
    private let executor: ReactorExecutor
    private let drains: [SocketDrain]
    private let jobs: EngineThreadJobs

    public init(executor: ReactorExecutor, drains: [SocketDrain], control: LoopControl) throws(SystemError) {
        self.executor = executor
        self.drains = drains
        jobs = EngineThreadJobs(wake: executor.registerWakeSource())
    }

    public func run() throws(SystemError) {
        let finished = FinishedFlag()
        let children = drains.map { SendableDrain($0) }
        let root = Self.startGroup(children, on: jobs, finished: finished)
        defer {
            // Cancellation resumes every waiting child; run their last jobs until the group is done.
            root.cancel()
            while !finished.isSet {
                jobs.runAll()
            }
        }
        while true {
            jobs.runAll()
            if try executor.turn() == .stopped { return }
        }
    }

    /// Starts the root task on the engine thread's executor; it sets `finished` when done.
    private static func startGroup(
        _ children: [SendableDrain],
        on jobs: EngineThreadJobs,
        finished: FinishedFlag
    ) -> Task<Void, Never> {
        Task(executorPreference: jobs) { @Sendable in
            await serveAll(children)
            finished.set()
        }
    }

    /// The group: one child task per socket; returns when all have (after cancellation).
    private static func serveAll(_ children: [SendableDrain]) async {
        await withTaskGroup(of: Void.self) { group in
            for child in children {
                group.addTask { await serve(child.drain) }
            }
        }
    }

    /// One child: poll the socket's future, then await the notification it arranged.
    private static func serve(_ drain: SocketDrain) async {
        let wakeUp = WakeUp()
        let context = TaskContext(notifier: Notifier { wakeUp.signal() })
        await withTaskCancellationHandler {
            while !Task.isCancelled {
                if drain.poll(context) == .ready { return }
                await wakeUp.wait()
            }
        } onCancel: {
            wakeUp.signal()
        }
    }
}

/// A `TaskExecutor` whose jobs run on the engine's thread, between reactor turns.
final class EngineThreadJobs: TaskExecutor {
    private let queue = Mutex<[UnownedJob]>([])
    private let wake: SetReadiness

    /// - Parameter wake: a user-space source of the engine's reactor, set when a job arrives so
    ///   a reactor blocked in the kernel returns (no syscall when it is not blocked).
    init(wake: SetReadiness) {
        self.wake = wake
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.append(job) }
        wake.set(.readable)
    }

    /// Runs every queued job, including those the jobs themselves queue.
    func runAll() {
        while true {
            let batch = queue.withLock { queue in
                defer { queue.removeAll(keepingCapacity: true) }
                return queue
            }
            if batch.isEmpty { return }
            for job in batch {
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
    }
}

/// A one-shot signal a child task awaits; a signal that comes first is kept.
private final class WakeUp: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<Void, Never>?, isSignalled: Bool)>((nil, false))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.isSignalled {
                    state.isSignalled = false
                    return true
                }
                state.continuation = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func signal() {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let continuation = state.continuation else {
                state.isSignalled = true
                return nil
            }
            state.continuation = nil
            return continuation
        }
        continuation?.resume()
    }
}

/// Hands a socket's future to its child task.
private struct SendableDrain: @unchecked Sendable {
    // Every job of the group runs on the engine's thread, so the future is never used concurrently.
    let drain: SocketDrain
    init(_ drain: SocketDrain) { self.drain = drain }
}

/// Set once by the group's root task when every child has returned.
private final class FinishedFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .acquiring) }

    func set() { value.store(true, ordering: .releasing) }
}
