import UDPLabOS

/// Backend `mmsg`: edge-triggered epoll(7), like `epoll-edge`, moving datagrams in batches of
/// `--batch` (default 32) with one `recvmmsg(2)` or `sendmmsg(2)` each.
///
/// Each pass receives a batch straight into the outgoing queue's free slots (at most as many as
/// there are: the engine drops only when the queue is full, as every queue backend does) and
/// sends up to a batch from its front, until both would block; only then does it wait.
/// `recvmmsg` returning fewer than asked means the kernel found the next receive would block, so
/// a lone datagram costs one wakeup and three syscalls (wait, receive, send), not four.
/// `sendmmsg` may send only part of a batch: the rest stay at the front of the queue, in order.
/// `EPOLLOUT` is asked for only after a send would block, and `--budget N` caps datagrams
/// received per event, as on `epoll-edge`. Nothing is allocated per datagram: the queue's slots,
/// the scratch buffer and the batches' headers are allocated when the engine starts.
public final class MmsgEcho: EngineLoop {
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
        // Datagrams may have arrived before the registration: start by reading.
        var canRead = true
        var canWrite = true
        var received = 0
        while !control.isStopRequested {
            var progressed = false
            if canRead && (budget == 0 || received < budget) {
                switch path.receiveBatch(limit: budget == 0 ? Int.max : budget - received) {
                case .processed(let batch):
                    progressed = true
                    received += batch.received
                    canRead = !batch.isDrained
                case .wouldBlock:
                    canRead = false
                }
            }
            if canWrite && !path.isQueueEmpty {
                switch path.sendBatch() {
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
