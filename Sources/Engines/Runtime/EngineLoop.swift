import Synchronization
import UDPLabOS

/// One engine's event loop: built on the thread that starts the engine (so every setup error is
/// reported there), then run to completion on the engine's own thread.
public protocol EngineLoop: AnyObject {
    /// Serves until ``LoopControl/isStopRequested`` is seen after a wake of its waker, or until
    /// its work is done (see ``isCompleted``).
    /// - Throws: ``SystemError`` when the loop cannot go on (its wait failed).
    func run() throws(SystemError)

    /// `true` when ``run()`` returned because the engine finished its work by itself.
    var isCompleted: Bool { get }
}

extension EngineLoop {
    /// Most engines serve until stopped.
    public var isCompleted: Bool { false }
}

/// What the engine's owner uses to stop the loop from another thread, and the loop watches.
public final class LoopControl: Sendable {
    /// Registered by the loop with its selector; woken by ``requestStop()``.
    public let waker: Waker
    private let stopRequested = Atomic<Bool>(false)
    /// Milliseconds the loop should stall at its next wake: the watchdog test's hook.
    private let stallMilliseconds = Atomic<Int>(0)

    public init(waker: Waker) {
        self.waker = waker
    }

    /// `true` once a stop was asked for.
    public var isStopRequested: Bool { stopRequested.load(ordering: .acquiring) }

    /// Handles the waker's event on the loop thread: clears the waker (one read(2), counted).
    /// - Returns: `true` when the loop must return.
    public func consumeWake(counting counters: EngineCounters) -> Bool {
        counters.syscalls.increment()
        waker.reset()
        return shouldStop()
    }

    /// Checks, after any wake, whether the loop must return; also carries out a requested stall.
    /// Reactor loops call it after every poll (their reactor clears the waker itself).
    public func shouldStop() -> Bool {
        let stall = stallMilliseconds.exchange(0, ordering: .acquiringAndReleasing)
        if stall > 0 && !isStopRequested {
            // Blocks the loop outside its wait, as a wedged loop would be: no heartbeat, not waiting.
            OSThread.sleep(for: .milliseconds(stall))
        }
        return isStopRequested
    }

    /// Makes the loop stall for `duration` at its next wake (and wakes it). Only the daemon's
    /// test hooks call this, to prove the watchdog notices a wedged loop.
    public func requestStall(for duration: Duration) {
        // Saturating: a duration too long for an Int of milliseconds stalls "for ever", not traps.
        stallMilliseconds.store(Int(clamping: duration.milliseconds), ordering: .releasing)
        waker.wake()
    }

    /// Blocks the calling thread until a stop is asked for, marking it as waiting meanwhile:
    /// the engine thread of a backend whose loop runs elsewhere (SwiftNIO's) only does this, so
    /// the watchdog sees it waiting, and a requested stall still happens on it.
    public func waitForStop(counting counters: EngineCounters) throws(SystemError) {
        var pollSet = PollSet()
        pollSet.append(waker.eventFD.descriptor, events: .readable)
        while true {
            counters.setWaiting(true)
            _ = try pollSet.wait(timeout: nil)
            counters.setWaiting(false)
            waker.reset()
            if shouldStop() { return }
        }
    }

    /// Asks the loop to return, and wakes it if it is blocked. Safe from any thread.
    public func requestStop() {
        stopRequested.store(true, ordering: .releasing)
        waker.wake()
    }
}

/// Where `--trace` lines go: stdout under `udplabd run`, the journal in the daemon.
public typealias TraceSink = @Sendable (String) -> Void
