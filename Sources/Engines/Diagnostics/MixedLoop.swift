import Dispatch
import UDPLabOS
import UDPLabProtocol

/// Kind `mixed`, after the seed's mio-mixed: one UDP socket and a timer thread's user-space
/// events, both delivered through one ``Reactor``.
///
/// The timer thread sets readiness every `--interval` (against absolute deadlines, so ticks do
/// not drift as the seed's did). Each tick is one event on one wakeup: mio 0.6 re-queued a
/// level-triggered registration after delivering it, so every tick also cost an empty
/// `poll()`; udplab's user-space sources deliver once per set, and there is no empty wakeup.
public final class MixedLoop: EngineLoop {
    private static let socketToken = Token(0)
    private static let timerToken = Token(1)

    private let socket: UDPSocket
    private let reactor: Reactor
    private let timer: SetReadiness
    private let control: LoopControl
    private let counters: EngineCounters
    private let interval: Duration
    private let trace: TraceSink?
    private let bufferSize: Int

    public init(
        socket: consuming UDPSocket,
        spec: EngineSpec,
        control: LoopControl,
        counters: EngineCounters,
        trace: TraceSink?
    ) throws(SystemError) {
        self.socket = socket
        self.control = control
        self.counters = counters
        self.interval = spec.effectiveInterval
        self.trace = trace
        self.bufferSize = spec.bufferSize
        reactor = try Reactor(counters: counters, awakener: control.waker)
        try reactor.registry.register(self.socket, token: Self.socketToken, interest: .readable, trigger: .level)
        timer = reactor.registry.registerUserSource(token: Self.timerToken)
    }

    public func run() throws(SystemError) {
        let stopTimer = DispatchSemaphore(value: 0)
        let timerThread = try OSThread.spawn(name: "udplab-timer") { [timer, interval] in
            var deadline = DispatchTime.now()
            while true {
                deadline = deadline + .nanoseconds(Int(clamping: interval.nanoseconds))
                if stopTimer.wait(timeout: deadline) == .success { return }
                timer.set(.readable)
            }
        }
        defer {
            stopTimer.signal()
            timerThread.join()
        }
        let events = Events(capacity: 16)
        var buffer = [UInt8](repeating: 0, count: bufferSize)
        let label = Self.label(for: interval)
        while true {
            trace?("before poll()")
            try reactor.poll(events, timeout: nil)
            trace?("after poll()")
            if control.shouldStop() { return }
            for event in events {
                switch event.token {
                case Self.timerToken:
                    // One event per set: nothing to reset (clearing here could swallow a tick set
                    // since the event was taken off the queue).
                    counters.timerEvents.increment()
                    trace?("\(label) timer")
                default:
                    receiveOne(into: &buffer)
                }
            }
        }
    }

    /// One receive per readable event, as the seed did (level-triggered: the rest come next turn).
    private func receiveOne(into buffer: inout [UInt8]) {
        let result = buffer.withUnsafeMutableBytes { bytes in
            socket.receive(into: bytes, counting: counters) { error in trace?("recvfrom: \(error.reason); ignoring.") }
        }
        if case .processed(let datagram?) = result {
            trace?("recv \(datagram.byteCount) bytes from \(datagram.source.unmappingIPv4).")
        }
    }

    /// `3-second` for whole seconds, as the seed's line; `200ms` otherwise.
    static func label(for interval: Duration) -> String {
        let (seconds, attoseconds) = interval.components
        if attoseconds == 0 { return "\(seconds)-second" }
        return "\(interval.milliseconds)ms"
    }
}
