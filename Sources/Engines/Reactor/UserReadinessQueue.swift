import Synchronization

/// The queue of user-space sources with readiness set, shared by a ``Reactor`` and its
/// ``SetReadiness`` handles; and the reactor's internal waker, written only when needed.
final class UserReadinessQueue: Sendable {
    /// mio's awakener: registered once under a reserved `epoll_event.data`, never delivered.
    let awakener: Waker
    /// The queued sources; `nil` once the reactor is gone (``close()``). A queued source holds
    /// the queue and the queue holds it: that cycle (and with it the awakener's eventfd) would
    /// outlive the reactor if a source were still queued when the reactor went away.
    private let sources = Mutex<[SetReadiness]?>([])
    private let pendingCount = Atomic<Int>(0)
    /// `true` only while the polling thread is in (or about to enter) a blocking wait.
    private let sleeping = Atomic<Bool>(false)
    private let counters: EngineCounters

    /// The `epoll_event.data` of the awakener; tokens are ≥ 0, so it never collides with one.
    static let awakenerData = UInt64.max

    init(awakener: Waker, counters: EngineCounters) {
        self.awakener = awakener
        self.counters = counters
        sources.withLock { $0?.reserveCapacity(16) }
    }

    /// `true` when a source waits to be delivered.
    var hasPending: Bool { pendingCount.load(ordering: .sequentiallyConsistent) > 0 }

    /// Queues `source`, and writes to the awakener only if the poller sleeps in the kernel.
    /// After ``close()`` it does nothing.
    func push(_ source: SetReadiness) {
        let isOpen = sources.withLock { sources in
            guard sources != nil else { return false }
            sources?.append(source)
            return true
        }
        guard isOpen else { return }
        pendingCount.add(1, ordering: .sequentiallyConsistent)
        // Paired with `prepareToSleep`: either the poller sees the pending count and does not
        // block, or this sees `sleeping` and wakes it. Both orders are sequentially consistent.
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) {
            counters.wakerWrites.add()
            awakener.wake()
        }
    }

    /// Marks the poller as about to block. Returns `false` (and stays awake) when a source is
    /// already pending, so the caller must not block.
    func prepareToSleep() -> Bool {
        sleeping.store(true, ordering: .sequentiallyConsistent)
        if hasPending {
            sleeping.store(false, ordering: .sequentiallyConsistent)
            return false
        }
        return true
    }

    /// Marks the poller as awake again: from now on no set writes to the awakener.
    func wokeUp() {
        sleeping.store(false, ordering: .sequentiallyConsistent)
    }

    /// Moves the queued sources into `spare` (which must be empty) without allocating.
    func takeAll(into spare: inout [SetReadiness]) {
        sources.withLock { sources in
            guard var queued = sources else { return }
            swap(&queued, &spare)
            sources = queued
        }
        pendingCount.subtract(spare.count, ordering: .sequentiallyConsistent)
    }

    /// Drops every queued source and refuses new ones: the reactor calls this when it goes
    /// away, breaking the cycle of a queued source and the queue.
    func close() {
        let dropped = sources.withLock { sources in
            defer { sources = nil }
            return sources ?? []
        }
        pendingCount.subtract(dropped.count, ordering: .sequentiallyConsistent)
    }
}
