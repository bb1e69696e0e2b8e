import UDPLabOS

/// Backend `flipflop`, after tokio-core's examples/echo-udp, the design the seed criticised:
/// one pending datagram, and nothing is read while its send is blocked.
///
/// ```rust
/// if let Some((size, peer)) = self.to_send { try_nb!(self.socket.send_to(..)); self.to_send = None; }
/// self.to_send = Some(try_nb!(self.socket.recv_from(&mut self.buf)));
/// ```
///
/// The queue has one slot. The socket is registered edge-triggered for reading, and for writing
/// only after a send blocked. tokio-core registered both directions up front; on Linux every
/// datagram sent then raises a fresh EPOLLOUT edge (the send buffer's write-space callback),
/// one extra wakeup per echo that would hide the cost this backend exists to show.
public final class FlipflopEcho: EngineLoop {
    private static let socketToken = Token(0)

    private let path: EchoPath
    private let control: LoopControl
    private let reactor: Reactor

    public init(path: EchoPath, control: LoopControl, counters: EngineCounters) throws(SystemError) {
        self.path = path
        self.control = control
        reactor = try Reactor(counters: counters, awakener: control.waker)
        try reactor.registry.register(path.socket, token: Self.socketToken, interest: .readable, trigger: .edge)
    }

    public func run() throws(SystemError) {
        let events = Events(capacity: 16)
        var canRead = true
        var canWrite = true
        var isWatchingWrites = false
        while !control.isStopRequested {
            // Flip: the pending datagram must go before anything else happens.
            if !path.isQueueEmpty {
                guard canWrite, case .processed = path.send() else {
                    // Blocked: ask for (and re-arm) the writable edge, and read nothing meanwhile.
                    canWrite = false
                    isWatchingWrites = true
                    try reactor.registry.reregister(
                        path.socket,
                        token: Self.socketToken,
                        interest: [.readable, .writable],
                        trigger: .edge
                    )
                    try wait(&canRead, &canWrite, events)
                    continue
                }
            }
            if isWatchingWrites {
                isWatchingWrites = false
                try reactor.registry.reregister(
                    path.socket,
                    token: Self.socketToken,
                    interest: .readable,
                    trigger: .edge
                )
            }
            // Flop: read the next one.
            guard canRead, case .processed = path.receive() else {
                canRead = false
                try wait(&canRead, &canWrite, events)
                continue
            }
        }
    }

    private func wait(_ canRead: inout Bool, _ canWrite: inout Bool, _ events: Events) throws(SystemError) {
        try reactor.poll(events, timeout: nil)
        // The loop's own condition sees a stop; this also carries out a test stall.
        _ = control.shouldStop()
        for event in events {
            canRead = canRead || event.isReadable
            canWrite = canWrite || event.isWritable
        }
    }
}
