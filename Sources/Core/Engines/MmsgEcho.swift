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
final class MmsgEcho: EngineLoop {
    private static let socketData: UInt64 = 0
    private static let wakerData: UInt64 = 1

    private let path: EchoPath
    private let control: LoopControl
    private let counters: EngineCounters
    private let budget: Int
    private let epoll: FileDescriptor

    init(path: EchoPath, control: LoopControl, counters: EngineCounters, budget: Int) throws(SystemError) {
        self.path = path
        self.control = control
        self.counters = counters
        self.budget = budget
        epoll = try Epoll.create()
        try Epoll.add(epoll, path.socket.descriptor, flags: [.readable, .edgeTriggered], data: Self.socketData)
        try Epoll.add(
            epoll,
            control.waker.eventFD.descriptor,
            flags: [.readable, .edgeTriggered],
            data: Self.wakerData
        )
        counters.syscalls.increment(by: 3)
    }

    func run() throws(SystemError) {
        var events = Epoll.EventBuffer(capacity: 16)
        // Datagrams may have arrived before the registration: start by reading.
        var canRead = true
        var canWrite = true
        var wantsWrite = false
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

            if !path.isQueueEmpty {
                // A send would block. MOD re-arms the edge: EPOLLOUT comes as soon as there is room.
                wantsWrite = true
                try setInterest([.readable, .writable, .edgeTriggered])
            } else if wantsWrite {
                wantsWrite = false
                try setInterest([.readable, .edgeTriggered])
            }
            // Still readable here means the budget ran out: only look, then carry on reading.
            let yielding = canRead
            counters.willWait(blocks: !yielding)
            let readyCount = try Epoll.wait(epoll, into: &events, timeout: yielding ? .zero : nil)
            counters.didWait(readyCount: readyCount)
            received = 0

            for index in 0..<readyCount {
                let (data, flags) = events[index]
                if data == Self.wakerData {
                    if control.consumeWake(counting: counters) { return }
                    continue
                }
                canRead = canRead || !flags.isDisjoint(with: [.readable, .error, .hangup])
                canWrite = canWrite || flags.contains(.writable)
            }
        }
    }

    private func setInterest(_ flags: Epoll.Flags) throws(SystemError) {
        counters.syscalls.increment()
        counters.interestChanges.increment()
        try Epoll.modify(epoll, path.socket.descriptor, flags: flags, data: Self.socketData)
    }
}
