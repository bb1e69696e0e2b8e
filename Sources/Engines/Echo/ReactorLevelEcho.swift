import UDPLabOS

/// Backend `reactor-level`, after the seed's echo-mio-level: the echo loop on udplab's
/// ``Reactor`` with a level-triggered registration.
///
/// Writable interest is registered only while the queue holds something; mio's example
/// re-registered before every poll, udplab only when the interest changes.
public final class ReactorLevelEcho: EngineLoop {
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
        try reactor.registry.register(path.socket, token: Self.socketToken, interest: .readable, trigger: .level)
    }

    public func run() throws(SystemError) {
        let events = Events(capacity: 16)
        var interest: Interest = .readable
        while true {
            let wanted: Interest = path.isQueueEmpty ? .readable : [.readable, .writable]
            if wanted != interest {
                interest = wanted
                try reactor.registry.reregister(
                    path.socket,
                    token: Self.socketToken,
                    interest: interest,
                    trigger: .level
                )
            }

            try reactor.poll(events, timeout: nil)
            if control.shouldStop() { return }

            for event in events {
                if event.isReadable {
                    _ = path.receive(budget: budget)
                }
                if event.isWritable && !path.isQueueEmpty {
                    _ = path.send()
                }
            }
        }
    }
}
