import Synchronization

/// Raises readiness on a user-space source of a ``Reactor``, from any thread (mio 0.6's `SetReadiness`).
///
/// Setting a non-empty readiness queues one event for the source's token. The reactor's own
/// waker is written only if the polling thread is blocked in the kernel right now: a set from
/// the polling thread itself, or while it is busy, costs no syscall at all (the fix of mio #785).
public final class SetReadiness: Sendable {
    /// The token events of this source carry.
    public let token: Token
    private let bits = Atomic<UInt8>(0)
    private let queued = Atomic<Bool>(false)
    private let queue: UserReadinessQueue

    init(token: Token, queue: UserReadinessQueue) {
        self.token = token
        self.queue = queue
    }

    /// The readiness last set.
    public var readiness: Readiness { Readiness(rawValue: bits.load(ordering: .acquiring)) }

    /// Sets the source's readiness; a non-empty value queues one event for the next poll.
    public func set(_ readiness: Readiness) {
        bits.store(readiness.rawValue, ordering: .releasing)
        guard !readiness.isEmpty else { return }
        // One queue entry per source, however often it is set before the next poll.
        if !queued.exchange(true, ordering: .acquiringAndReleasing) {
            queue.push(self)
        }
    }

    /// Called by the reactor when it takes the source off the queue.
    func dequeued() {
        // Acquire as well as release: a set that saw `queued` still true (and so did not queue
        // again) must have its readiness visible to the read that follows.
        _ = queued.exchange(false, ordering: .acquiringAndReleasing)
    }
}
