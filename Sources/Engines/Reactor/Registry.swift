import UDPLabOS
import UDPLabProtocol

/// Registers sources with a ``Reactor`` (mio's `Registry`): a UDP socket or a ``Waker`` under a
/// ``Token``, with an ``Interest`` and a ``Trigger``; user-space sources through
/// ``registerUserSource(token:)``.
///
/// - Note: it belongs to the reactor's polling thread; only ``SetReadiness`` crosses threads.
public final class Registry {
    let epoll: FileDescriptor
    let userQueue: UserReadinessQueue
    private let counters: EngineCounters

    init(epoll: consuming FileDescriptor, userQueue: UserReadinessQueue, counters: EngineCounters) {
        self.epoll = epoll
        self.userQueue = userQueue
        self.counters = counters
    }

    /// Registers `socket`: events for it will carry `token`.
    ///
    /// - Throws: ``SystemError`` from epoll_ctl(2) (e.g. the socket is already registered).
    public func register(
        _ socket: borrowing UDPSocket,
        token: Token,
        interest: Interest,
        trigger: Trigger
    ) throws(SystemError) {
        try add(socket.descriptor, token: token, interest: interest, trigger: trigger)
    }

    /// Changes what `socket` is registered for; counted as an interest change.
    ///
    /// - Note: re-registering an edge-triggered source re-arms it: if it is ready now, an event
    ///   follows even though nothing changed.
    public func reregister(
        _ socket: borrowing UDPSocket,
        token: Token,
        interest: Interest,
        trigger: Trigger
    ) throws(SystemError) {
        counters.syscalls.increment()
        counters.interestChanges.increment()
        try Epoll.modify(epoll, socket.descriptor, flags: Epoll.Flags(interest, trigger), data: token.epollData)
    }

    /// Changes what the descriptor numbered `descriptor` is registered for (a source whose owner
    /// is not at hand, e.g. a socket inside a future). Counted as an interest change.
    func reregister(
        descriptor: DescriptorNumber,
        token: Token,
        interest: Interest,
        trigger: Trigger
    ) throws(SystemError) {
        counters.syscalls.increment()
        counters.interestChanges.increment()
        try Epoll.modify(epoll, descriptor, flags: Epoll.Flags(interest, trigger), data: token.epollData)
    }

    /// Registers `waker`, edge-triggered: its event carries `token`.
    public func register(_ waker: Waker, token: Token) throws(SystemError) {
        try add(waker.eventFD.descriptor, token: token, interest: .readable, trigger: .edge)
    }

    /// Creates a user-space source (mio 0.6's `Registration::new2`): events for it carry `token`
    /// and are raised by ``SetReadiness/set(_:)`` from any thread, with no descriptor at all.
    public func registerUserSource(token: Token) -> SetReadiness {
        SetReadiness(token: token, queue: userQueue)
    }

    private func add(
        _ descriptor: borrowing FileDescriptor,
        token: Token,
        interest: Interest,
        trigger: Trigger
    ) throws(SystemError) {
        counters.syscalls.increment()
        try Epoll.add(epoll, descriptor, flags: Epoll.Flags(interest, trigger), data: token.epollData)
    }
}
