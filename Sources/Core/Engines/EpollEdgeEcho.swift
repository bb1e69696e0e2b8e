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
final class EpollEdgeEcho: EngineLoop {
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
        // Datagrams may have arrived before the registration: start by reading, as the seed did.
        var canRead = true
        var canWrite = true
        var wantsWrite = false
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
