/// udplab's Mio-like reactor: one epoll instance, a ``Registry`` of sources under ``Token``s,
/// user-space readiness through ``SetReadiness``, and ``poll(_:timeout:)`` to wait for ``Events``.
///
/// Every wait, event and syscall it makes is counted in the ``EngineCounters`` it was given,
/// which is how an engine built on it shows its cost per datagram.
///
/// - Note: `poll` must be called from one thread at a time (the "polling thread"); a
///   ``Waker`` or ``SetReadiness`` may be used from any thread.
public final class Reactor {
    /// Where sources are registered.
    public let registry: Registry
    private let counters: EngineCounters
    private var readySources: [SetReadiness] = []

    /// Creates a reactor: an epoll instance plus its internal awakener (one eventfd, registered
    /// edge-triggered, as mio's self-pipe).
    ///
    /// - Parameter counters: where waits, events and syscalls are counted.
    /// - Throws: ``SystemError`` from epoll_create1(2), eventfd(2) or epoll_ctl(2).
    public init(counters: EngineCounters) throws(SystemError) {
        let epoll = try Epoll.create()
        let userQueue = try UserReadinessQueue(counters: counters)
        try Epoll.add(
            epoll,
            userQueue.awakener.descriptor,
            flags: [.readable, .edgeTriggered],
            data: UserReadinessQueue.awakenerData
        )
        counters.syscalls.increment(by: 4)
        self.registry = Registry(epoll: epoll, userQueue: userQueue, counters: counters)
        self.counters = counters
        readySources.reserveCapacity(16)
    }

    /// Waits for readiness and fills `events`: kernel events first, then user-space ones.
    ///
    /// When a user-space source is already pending, the wait does not block. Each return counts
    /// as a wakeup; a return with no event for the caller counts as an empty one.
    ///
    /// - Parameters:
    ///   - events: the buffer to fill (emptied first).
    ///   - timeout: how long to wait; `nil` waits until an event arrives, `.zero` only looks.
    /// - Throws: ``SystemError`` from epoll_wait(2).
    public func poll(_ events: Events, timeout: Duration?) throws(SystemError) {
        events.removeAll()
        let userQueue = registry.userQueue
        var timeout = timeout
        let mayBlock = timeout != .zero
        if mayBlock && !userQueue.prepareToSleep() {
            timeout = .zero
        }
        let blocks = timeout != .zero
        counters.willWait(blocks: blocks)
        do {
            try Epoll.wait(registry.epoll, into: &events.kernel, timeout: timeout)
        } catch {
            counters.setWaiting(false)
            userQueue.wokeUp()
            throw error
        }
        counters.setWaiting(false)
        if blocks {
            userQueue.wokeUp()
        }

        for index in 0..<events.kernel.count {
            let (data, flags) = events.kernel[index]
            if data == UserReadinessQueue.awakenerData {
                counters.syscalls.increment()
                _ = try userQueue.awakener.drain()
                continue
            }
            events.append(Event(token: Token(Int(truncatingIfNeeded: data)), readiness: Readiness(flags)))
        }
        if userQueue.hasPending {
            userQueue.takeAll(into: &readySources)
            for source in readySources {
                source.dequeued()
                let readiness = source.readiness
                if !readiness.isEmpty {
                    events.append(Event(token: source.token, readiness: readiness))
                }
            }
            readySources.removeAll(keepingCapacity: true)
        }
        counters.didWait(readyCount: events.count)
    }
}
