import UDPLabOS

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

    /// Creates a reactor: an epoll instance plus its one awakener (an eventfd, registered
    /// edge-triggered under a reserved key, as mio's self-pipe).
    ///
    /// The awakener wakes the poller for user-space readiness set from other threads, and for
    /// whoever else holds it: an engine passes its stop ``Waker`` here, so that a stop costs no
    /// second descriptor. Its events are never delivered; after each poll, look at what the
    /// waker was woken for.
    ///
    /// - Parameters:
    ///   - counters: where waits, events and syscalls are counted.
    ///   - awakener: the waker to use (a new one when `nil`).
    /// - Throws: ``SystemError`` from epoll_create1(2), eventfd(2) or epoll_ctl(2).
    public init(counters: EngineCounters, awakener: Waker? = nil) throws(SystemError) {
        let epoll = try Epoll.create()
        let waker: Waker
        if let awakener {
            waker = awakener
        } else {
            waker = try Waker()
        }
        let userQueue = UserReadinessQueue(awakener: waker, counters: counters)
        try Epoll.add(
            epoll,
            userQueue.awakener.eventFD.descriptor,
            flags: [.readable, .edgeTriggered],
            data: UserReadinessQueue.awakenerData
        )
        counters.syscalls.increment(by: awakener == nil ? 3 : 2)
        self.registry = Registry(epoll: epoll, userQueue: userQueue, counters: counters)
        self.counters = counters
        readySources.reserveCapacity(16)
    }

    deinit {
        // A source still queued (set after the last poll) would keep the queue, and so the
        // awakener's eventfd, alive for ever.
        registry.userQueue.close()
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
                userQueue.awakener.reset()
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
