import UDPLabOS

/// A relay on udplab's Mio-like reactor, level-triggered (backend `reactor-level`):
/// ``EpollLevelRelay``'s loop through the reactor's registry.
public final class ReactorLevelRelay: EngineLoop {
    private static let producerToken = Token(0)
    private static let consumerToken = Token(1)

    private let path: RelayPath
    private let control: LoopControl
    private let budget: Int
    private let reactor: Reactor

    /// Registers both sockets, level-triggered for reading.
    public init(path: RelayPath, control: LoopControl, counters: EngineCounters, budget: Int) throws(SystemError) {
        self.path = path
        self.control = control
        self.budget = budget
        reactor = try Reactor(counters: counters, awakener: control.waker)
        try reactor.registry.register(
            path.producerSocket,
            token: Self.producerToken,
            interest: .readable,
            trigger: .level
        )
        try reactor.registry.register(
            path.consumerSocket,
            token: Self.consumerToken,
            interest: .readable,
            trigger: .level
        )
    }

    public func run() throws(SystemError) {
        let events = Events(capacity: 16)
        var interest: Interest = .readable
        while true {
            let wanted: Interest = path.hasPending ? [.readable, .writable] : .readable
            if wanted != interest {
                interest = wanted
                try reactor.registry.reregister(
                    path.consumerSocket,
                    token: Self.consumerToken,
                    interest: interest,
                    trigger: .level
                )
            }

            try reactor.poll(events, timeout: path.expire())
            if control.shouldStop() { return }

            for event in events {
                if event.token == Self.producerToken {
                    if event.isReadable { _ = path.receiveProduced(budget: budget) }
                } else {
                    if event.isReadable { _ = path.receiveFromConsumers(budget: budget) }
                    if event.isWritable { _ = path.sendOwed() }
                }
            }
        }
    }
}
