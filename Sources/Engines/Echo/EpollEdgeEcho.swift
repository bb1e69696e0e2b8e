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
///
/// Backend `mmsg` is this loop on a path built with a batch capacity (``EchoPath/isBatched``):
/// each pass receives a batch of up to `--batch` (default 32) datagrams with one `recvmmsg(2)`
/// straight into the outgoing queue's free slots (the engine drops only when the queue is full,
/// as every queue backend does) and sends up to a batch from its front with one `sendmmsg(2)`.
/// `recvmmsg` returning fewer than asked means the next receive would block, so a lone datagram
/// costs one wakeup and three syscalls (wait, receive, send), not four; `sendmmsg` may send part
/// of a batch, and the rest stay at the front of the queue, in order. Nothing is allocated per
/// datagram: the slots, the scratch buffer and the batches' headers exist from the start.
///
/// The drain loop is ``EdgeDrain`` (shared with `reactor-edge`); the epoll calls are here.
public final class EpollEdgeEcho: EngineLoop {
    private static let socketData: UInt64 = 0
    private static let wakerData: UInt64 = 1

    private let path: EchoPath
    private let control: LoopControl
    private let counters: EngineCounters
    private let budget: Int
    /// Backend `mmsg`: batch passes (`recvmmsg`/`sendmmsg`) instead of one datagram at a time.
    private let isBatched: Bool
    private let epoll: FileDescriptor
    private var events = Epoll.EventBuffer(capacity: 16)

    /// Registers the socket and the stop waker, edge-triggered for reading.
    public init(path: EchoPath, control: LoopControl, counters: EngineCounters, budget: Int) throws(SystemError) {
        self.path = path
        self.control = control
        self.counters = counters
        self.budget = budget
        isBatched = path.isBatched
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
            if isBatched ? drain.passBatch(path) : drain.pass(path) { continue }

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
