import UDPLabOS

/// Backend `epoll-edge`, after the seed's echo-epoll-edge: edge-triggered epoll(7).
///
/// An edge event comes once per change of readiness, so the loop reads and sends, one of each
/// per pass, until both would block, and only then waits. `EPOLLOUT` is asked for only after a
/// send hit `EAGAIN` (and re-armed after each one). A lone datagram costs one wakeup; a burst is served by one.
///
/// Differences from the seed, on purpose: a would-block receive clears `canRead` (the seed kept
/// calling recvfrom until the next wait), a blocked datagram stays at the front of the queue (the
/// seed moved it to the back), and `--budget N` caps datagrams per event, then yields with a
/// zero-timeout wait, against the edge-triggered starvation the seed left open.
public final class EpollEdgeEcho: EngineLoop {
    private let path: EchoPath
    private let control: LoopControl
    private let budget: Int
    private let selector: EdgeEpollWait

    public init(path: EchoPath, control: LoopControl, counters: EngineCounters, budget: Int) throws(SystemError) {
        self.path = path
        self.control = control
        self.budget = budget
        selector = try EdgeEpollWait(socket: path.socket, control: control, counters: counters)
    }

    public func run() throws(SystemError) {
        // Datagrams may have arrived before the registration: start by reading, as the seed did.
        var canRead = true
        var canWrite = true
        var received = 0
        while !control.isStopRequested {
            var progressed = false
            if canRead && (budget == 0 || received < budget) {
                switch path.receive() {
                case .processed:
                    progressed = true
                    received += 1
                case .wouldBlock:
                    canRead = false
                }
            }
            if canWrite && !path.isQueueEmpty {
                switch path.send() {
                case .processed: progressed = true
                case .wouldBlock: canWrite = false
                }
            }
            if progressed { continue }

            // Still readable here means the budget ran out: only look, then carry on reading.
            let readiness = try selector.wait(path.socket, sendWouldBlock: !path.isQueueEmpty, isYielding: canRead)
            if readiness.mustStop { return }
            received = 0
            canRead = canRead || readiness.isReadable
            canWrite = canWrite || readiness.isWritable
        }
    }
}
