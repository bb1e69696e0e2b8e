import UDPLabOS

/// A relay on edge-triggered epoll(7) (backend `epoll-edge`), and on `recvmmsg`/`sendmmsg`
/// batches (backend `mmsg`, a path built with a batch capacity): ``RelayDrain``'s passes, and
/// `EPOLLOUT` on the consumer socket only after a send would block.
public final class EpollEdgeRelay: EngineLoop {
    private static let producerData: UInt64 = 0
    private static let consumerData: UInt64 = 1
    private static let wakerData: UInt64 = 2

    private let path: RelayPath
    private let control: LoopControl
    private let counters: EngineCounters
    private let budget: Int
    private let epoll: FileDescriptor
    private var events = Epoll.EventBuffer(capacity: 16)

    /// Registers both sockets and the stop waker, edge-triggered for reading.
    public init(path: RelayPath, control: LoopControl, counters: EngineCounters, budget: Int) throws(SystemError) {
        self.path = path
        self.control = control
        self.counters = counters
        self.budget = budget
        epoll = try Epoll.create()
        try Epoll.add(
            epoll,
            path.producerSocket.descriptor,
            flags: [.readable, .edgeTriggered],
            data: Self.producerData
        )
        try Epoll.add(
            epoll,
            path.consumerSocket.descriptor,
            flags: [.readable, .edgeTriggered],
            data: Self.consumerData
        )
        try Epoll.add(
            epoll,
            control.waker.eventFD.descriptor,
            flags: [.readable, .edgeTriggered],
            data: Self.wakerData
        )
        counters.syscalls.increment(by: 4)
    }

    public func run() throws(SystemError) {
        var drain = RelayDrain(budget: budget)
        var isWatchingWrites = false
        while !control.isStopRequested {
            drain.pass(path)
            if !drain.canWrite && path.hasPending {
                // A send would block. MOD re-arms the edge: EPOLLOUT comes as soon as there is room.
                isWatchingWrites = true
                try setConsumerInterest([.readable, .writable, .edgeTriggered])
            } else if isWatchingWrites && !path.hasPending {
                isWatchingWrites = false
                try setConsumerInterest([.readable, .edgeTriggered])
            }
            let expiry = path.expire()
            counters.willWait(blocks: !drain.isYielding)
            let readyCount = try Epoll.wait(epoll, into: &events, timeout: drain.isYielding ? .zero : expiry)
            counters.didWait(readyCount: readyCount)

            var producersReadable = false
            var consumersReadable = false
            var writable = false
            for index in 0..<readyCount {
                let (data, flags) = events[index]
                let readable = !flags.isDisjoint(with: [.readable, .error, .hangup])
                switch data {
                case Self.wakerData:
                    if control.consumeWake(counting: counters) { return }
                case Self.producerData:
                    producersReadable = producersReadable || readable
                default:
                    consumersReadable = consumersReadable || readable
                    writable = writable || flags.contains(.writable)
                }
            }
            drain.woke(producersReadable: producersReadable, consumersReadable: consumersReadable, writable: writable)
        }
    }

    /// `epoll_ctl(MOD)` on the consumer socket: counted as an interest change.
    private func setConsumerInterest(_ flags: Epoll.Flags) throws(SystemError) {
        counters.syscalls.increment()
        counters.interestChanges.increment()
        try Epoll.modify(epoll, path.consumerSocket.descriptor, flags: flags, data: Self.consumerData)
    }
}
