import UDPLabOS

/// udplab's poll-based task executor on the ``Reactor``, in the spirit of tokio-core 0.1.
///
/// A task owns one top-level future. Notifying a task sets user-space readiness on the
/// task's own registration, so the notification comes back out of the reactor as an event, and
/// the task is polled on the next turn. I/O sources are registered once, edge-triggered, and
/// their events update a ``ReadinessCache`` and notify the tasks waiting on it.
///
/// Everything runs on the engine's thread; only ``Notifier``s cross threads.
public final class ReactorExecutor {
    private final class Task {
        let future: any TaskFuture
        let context: TaskContext
        public init(future: any TaskFuture, context: TaskContext) {
            self.future = future
            self.context = context
        }
    }

    /// The reactor underneath (its registry registers the sources).
    public let reactor: Reactor
    private let counters: EngineCounters
    private let control: LoopControl
    private let events = Events(capacity: 64)
    private var tasks: [Token: Task] = [:]
    private var sources: [Token: ReadinessCache] = [:]
    /// Sources registered for writability since a blocked send, by token (their descriptors).
    private var watchedWrites: [Token: DescriptorNumber] = [:]
    private var nextToken = 0
    /// Tasks to notify at a time, in ``MonotonicClock`` nanoseconds (``notify(_:after:)``).
    private var timers: [(deadline: UInt64, notifier: Notifier)] = []

    public init(counters: EngineCounters, control: LoopControl) throws(SystemError) {
        self.counters = counters
        self.control = control
        reactor = try Reactor(counters: counters, awakener: control.waker)
    }

    /// Registers `socket` edge-triggered for reading; the cache starts out writable.
    ///
    /// tokio-core registered both directions; on Linux every datagram sent then raises a fresh
    /// `EPOLLOUT` edge, one extra wakeup per echo. udplab asks for writability only after a send
    /// would block (``watchWrites(of:_:)``).
    ///
    /// - Returns: the cache its events update.
    public func register(_ socket: borrowing UDPSocket) throws(SystemError) -> ReadinessCache {
        let token = takeToken()
        try reactor.registry.register(socket, token: token, interest: .readable, trigger: .edge)
        let cache = ReadinessCache(token: token)
        sources[token] = cache
        return cache
    }

    /// After a send would block: registers writable interest too (re-arming the edge, so the
    /// kernel reports writability as soon as there is room, or at once if there already is).
    /// ``turn(completing:)`` drops it again at the writable event.
    public func watchWrites(of socket: borrowing UDPSocket, _ cache: ReadinessCache) throws(SystemError) {
        try reactor.registry.reregister(socket, token: cache.token, interest: [.readable, .writable], trigger: .edge)
        watchedWrites[cache.token] = socket.descriptor.number
    }

    /// Registers a user-space source whose events are only to wake the reactor (a job queue's).
    func registerWakeSource() -> SetReadiness {
        let token = takeToken()
        sources[token] = ReadinessCache(token: token)
        return reactor.registry.registerUserSource(token: token)
    }

    /// Starts a task for `future`; it is polled on the executor's next turn.
    @discardableResult
    public func spawn(_ future: any TaskFuture) -> Token {
        let token = takeToken()
        let readiness = reactor.registry.registerUserSource(token: token)
        let task = Task(future: future, context: TaskContext(notifier: Notifier { readiness.set(.readable) }))
        tasks[token] = task
        task.context.notifier.notify()
        return token
    }

    /// Notifies `context`'s task after `delay`: the executor's one kind of timer, for a task that
    /// has something due then (a relay consumer's expiry). Every call adds one.
    public func notify(_ context: TaskContext, after delay: Duration) {
        let deadline = MonotonicClock.nanoseconds() &+ UInt64(clamping: delay.nanoseconds)
        timers.append((deadline, context.notifier))
    }

    /// How long the next wait may block: until the soonest timer, or for ever without one.
    private var waitTimeout: Duration? {
        guard let soonest = timers.map(\.deadline).min() else { return nil }
        let now = MonotonicClock.nanoseconds()
        // Rounded up to the millisecond epoll counts in, so a timer is never early.
        return soonest <= now ? .zero : .nanoseconds(Int64(clamping: soonest - now + 999_999))
    }

    /// Notifies the tasks whose timers are due.
    private func fireTimers() {
        guard !timers.isEmpty else { return }
        let now = MonotonicClock.nanoseconds()
        timers.removeAll { timer in
            guard timer.deadline <= now else { return false }
            timer.notifier.notify()
            return true
        }
    }

    /// Runs until a stop is requested or, when `completing` is given, until that task's
    /// future is ready.
    ///
    /// - Returns: `true` when `completing` finished, `false` on a stop.
    /// - Throws: ``SystemError`` when the reactor's wait fails.
    public func run(completing: Token? = nil) throws(SystemError) -> Bool {
        while true {
            switch try turn(completing: completing) {
            case .stopped: return false
            case .completed: return true
            case .continuing: continue
            }
        }
    }

    /// What one turn of the executor ended with.
    enum TurnOutcome {
        case continuing
        case stopped
        case completed
    }

    /// One turn: wait for events, record I/O readiness, poll the notified tasks.
    func turn(completing: Token? = nil) throws(SystemError) -> TurnOutcome {
        try reactor.poll(events, timeout: waitTimeout)
        if control.shouldStop() { return .stopped }
        fireTimers()
        for event in events {
            if let cache = sources[event.token] {
                cache.record(event.readiness)
                if event.isWritable, let descriptor = watchedWrites.removeValue(forKey: event.token) {
                    try reactor.registry.reregister(
                        descriptor: descriptor,
                        token: event.token,
                        interest: .readable,
                        trigger: .edge
                    )
                }
            } else if let task = tasks[event.token] {
                counters.taskPolls.increment()
                if task.future.poll(task.context) == .ready {
                    tasks[event.token] = nil
                    if event.token == completing { return .completed }
                }
            }
        }
        return .continuing
    }

    private func takeToken() -> Token {
        defer { nextToken += 1 }
        return Token(nextToken)
    }
}
