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
///
/// The drain loop is ``EdgeDrain`` (its batch pass); the epoll calls are here, as on `epoll-edge`.
public final class MmsgEcho: EngineLoop {
    private static let socketData: UInt64 = 0
    private static let wakerData: UInt64 = 1

    private let path: EchoPath
    private let control: LoopControl
    private let counters: EngineCounters
    private let budget: Int
    private let epoll: FileDescriptor
    private var events = Epoll.EventBuffer(capacity: 16)

    /// Registers the socket and the stop waker, edge-triggered for reading.
    public init(path: EchoPath, control: LoopControl, counters: EngineCounters, budget: Int) throws(SystemError) {
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

    public func run() throws(SystemError) {
        var drain = EdgeDrain(budget: budget)
        var isWatchingWrites = false
        while !control.isStopRequested {
            if drain.passBatch(path) { continue }

            if !path.isQueueEmpty {
                // A send would block. MOD re-arms the edge: EPOLLOUT comes as soon as there is room.
                isWatchingWrites = true
                try setInterest([.readable, .writable, .edgeTriggered])
            } else if isWatchingWrites {
                isWatchingWrites = false
                try setInterest([.readable, .edgeTriggered])
            }
            // Still readable here means the budget ran out: only look, then carry on reading.
            counters.willWait(blocks: !drain.isYielding)
            let readyCount = try Epoll.wait(epoll, into: &events, timeout: drain.isYielding ? .zero : nil)
            counters.didWait(readyCount: readyCount)

            var readable = false
            var writable = false
            for index in 0..<readyCount {
                let (data, flags) = events[index]
                if data == Self.wakerData {
                    if control.consumeWake(counting: counters) { return }
                    continue
                }
                readable = readable || !flags.isDisjoint(with: [.readable, .error, .hangup])
                writable = writable || flags.contains(.writable)
            }
            drain.woke(readable: readable, writable: writable)
        }
    }

    /// `epoll_ctl(MOD)` on the socket: counted as an interest change.
    private func setInterest(_ flags: Epoll.Flags) throws(SystemError) {
        counters.syscalls.increment()
        counters.interestChanges.increment()
        try Epoll.modify(epoll, path.socket.descriptor, flags: flags, data: Self.socketData)
    }
}
