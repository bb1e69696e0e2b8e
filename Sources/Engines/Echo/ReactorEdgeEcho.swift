import UDPLabOS

/// Backend `reactor-edge` (the default), after the seed's echo-mio-edge: the echo loop on
/// udplab's ``Reactor`` with an edge-triggered registration.
///
/// It reads and sends until both would block, and registers writable interest only after a
/// send would block; see ``EpollEdgeEcho`` for the same loop on bare epoll and for the ways
/// udplab differs from the seed (order kept on a blocked send, `--budget` against starvation).
/// The drain loop is ``EdgeDrain``; the reactor calls are here.
public final class ReactorEdgeEcho: EngineLoop {
    private static let socketToken = Token(0)

    private let path: EchoPath
    private let control: LoopControl
    private let budget: Int
    private let reactor: Reactor

    public init(path: EchoPath, control: LoopControl, counters: EngineCounters, budget: Int) throws(SystemError) {
        self.path = path
        self.control = control
        self.budget = budget
        reactor = try Reactor(counters: counters, awakener: control.waker)
        try reactor.registry.register(path.socket, token: Self.socketToken, interest: .readable, trigger: .edge)
    }

    public func run() throws(SystemError) {
        let events = Events(capacity: 16)
        var drain = EdgeDrain(budget: budget)
        var interest: Interest = .readable
        while !control.isStopRequested {
            if drain.pass(path) { continue }

            if !path.isQueueEmpty {
                // A send would block. Re-registering re-arms the edge: writable comes as soon as there is room.
                interest = [.readable, .writable]
                try reactor.registry.reregister(
                    path.socket,
                    token: Self.socketToken,
                    interest: interest,
                    trigger: .edge
                )
            } else if interest != .readable {
                interest = .readable
                try reactor.registry.reregister(
                    path.socket,
                    token: Self.socketToken,
                    interest: interest,
                    trigger: .edge
                )
            }
            // Still readable here means the budget ran out: only look, then carry on reading.
            try reactor.poll(events, timeout: drain.isYielding ? .zero : nil)
            if control.shouldStop() { return }

            var readable = false
            var writable = false
            for event in events {
                readable = readable || event.isReadable
                writable = writable || event.isWritable
            }
            drain.woke(readable: readable, writable: writable)
        }
    }
}
