import Synchronization

/// One engine's event loop: built on the thread that starts the engine (so every setup error is
/// reported there), then run to completion on the engine's own thread.
protocol EngineLoop: AnyObject {
    /// Serves until ``LoopControl/isStopRequested`` is seen after a wake of its waker.
    /// - Throws: ``SystemError`` when the loop cannot go on (its wait failed).
    func run() throws(SystemError)
}

/// What the engine's owner uses to stop the loop from another thread, and the loop watches.
final class LoopControl: Sendable {
    /// Registered by the loop with its selector; woken by ``requestStop()``.
    let waker: Waker
    private let stopRequested = Atomic<Bool>(false)

    init(waker: Waker) {
        self.waker = waker
    }

    /// `true` once a stop was asked for.
    var isStopRequested: Bool { stopRequested.load(ordering: .acquiring) }

    /// Handles the waker's event on the loop thread: clears the waker (one read(2), counted).
    /// - Returns: `true` when the loop must return.
    func consumeWake(counting counters: EngineCounters) -> Bool {
        counters.syscalls.increment()
        waker.reset()
        return isStopRequested
    }

    /// Asks the loop to return, and wakes it if it is blocked. Safe from any thread.
    func requestStop() {
        stopRequested.store(true, ordering: .releasing)
        waker.wake()
    }
}

/// Where `--trace` lines go: stdout under `udplabd run`, the journal in the daemon.
public typealias TraceSink = @Sendable (String) -> Void
