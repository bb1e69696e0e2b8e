import UDPLabOS

/// Kind `empty`, after the seed's mio-empty: a reactor with nothing registered but its one
/// internal awakener, blocked in `epoll_wait` until the engine is stopped. It makes no wakeup at
/// all while it runs; `syscalls` shows the set-up (epoll_create1, epoll_ctl for the awakener).
public final class EmptyLoop: EngineLoop {
    private let reactor: Reactor
    private let control: LoopControl
    private let trace: TraceSink?

    public init(control: LoopControl, counters: EngineCounters, trace: TraceSink?) throws(SystemError) {
        self.control = control
        self.trace = trace
        reactor = try Reactor(counters: counters, awakener: control.waker)
    }

    public func run() throws(SystemError) {
        let events = Events(capacity: 16)
        while true {
            trace?("Calling Reactor.poll()")
            try reactor.poll(events, timeout: nil)
            if control.shouldStop() { return }
        }
    }
}
