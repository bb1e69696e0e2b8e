import UDPLabOS

/// A relay on udplab's Mio-like reactor, edge-triggered (backend `reactor-edge`, the default):
/// ``RelayDrain``'s passes, as ``EpollEdgeRelay`` runs them, through the reactor's registry.
public final class ReactorEdgeRelay: EngineLoop {
    private static let producerToken = Token(0)
    private static let consumerToken = Token(1)

    private let path: RelayPath
    private let control: LoopControl
    private let budget: Int
    private let reactor: Reactor

    /// Registers both sockets, edge-triggered for reading.
    public init(path: RelayPath, control: LoopControl, counters: EngineCounters, budget: Int) throws(SystemError) {
        self.path = path
        self.control = control
        self.budget = budget
        reactor = try Reactor(counters: counters, awakener: control.waker)
        try reactor.registry.register(
            path.producerSocket,
            token: Self.producerToken,
            interest: .readable,
            trigger: .edge
        )
        try reactor.registry.register(
            path.consumerSocket,
            token: Self.consumerToken,
            interest: .readable,
            trigger: .edge
        )
    }

    public func run() throws(SystemError) {
        let events = Events(capacity: 16)
        var drain = RelayDrain(budget: budget)
        var isWatchingWrites = false
        while !control.isStopRequested {
            drain.pass(path)
            if !drain.canWrite && path.hasPending {
                // A send would block. Re-registering re-arms the edge: writable comes once there is room.
                isWatchingWrites = true
                try setConsumerInterest([.readable, .writable])
            } else if isWatchingWrites && !path.hasPending {
                isWatchingWrites = false
                try setConsumerInterest(.readable)
            }
            let expiry = path.expire()
            try reactor.poll(events, timeout: drain.isYielding ? .zero : expiry)
            if control.shouldStop() { return }

            var producersReadable = false
            var consumersReadable = false
            var writable = false
            for event in events {
                if event.token == Self.producerToken {
                    producersReadable = producersReadable || event.isReadable
                } else {
                    consumersReadable = consumersReadable || event.isReadable
                    writable = writable || event.isWritable
                }
            }
            drain.woke(producersReadable: producersReadable, consumersReadable: consumersReadable, writable: writable)
        }
    }

    private func setConsumerInterest(_ interest: Interest) throws(SystemError) {
        try reactor.registry.reregister(
            path.consumerSocket,
            token: Self.consumerToken,
            interest: interest,
            trigger: .edge
        )
    }
}
