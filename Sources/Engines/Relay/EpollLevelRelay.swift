import UDPLabOS

/// A relay on level-triggered epoll(7) (backend `epoll-level`): each ready socket served up to
/// `--budget` datagrams per wait, and `EPOLLOUT` on the consumer socket only while a consumer is
/// owed a datagram.
public final class EpollLevelRelay: EngineLoop {
    private static let producerData: UInt64 = 0
    private static let consumerData: UInt64 = 1
    private static let wakerData: UInt64 = 2

    private let path: RelayPath
    private let control: LoopControl
    private let counters: EngineCounters
    private let budget: Int
    private let epoll: FileDescriptor

    /// Registers both sockets and the stop waker for reading.
    public init(path: RelayPath, control: LoopControl, counters: EngineCounters, budget: Int) throws(SystemError) {
        self.path = path
        self.control = control
        self.counters = counters
        self.budget = budget
        epoll = try Epoll.create()
        try Epoll.add(epoll, path.producerSocket.descriptor, flags: .readable, data: Self.producerData)
        try Epoll.add(epoll, path.consumerSocket.descriptor, flags: .readable, data: Self.consumerData)
        try Epoll.add(epoll, control.waker.eventFD.descriptor, flags: .readable, data: Self.wakerData)
        counters.syscalls.increment(by: 4)
    }

    public func run() throws(SystemError) {
        var events = Epoll.EventBuffer(capacity: 16)
        var wantsWrite = false
        while true {
            if wantsWrite != path.hasPending {
                wantsWrite.toggle()
                counters.syscalls.increment()
                counters.interestChanges.increment()
                let flags: Epoll.Flags = wantsWrite ? [.readable, .writable] : .readable
                try Epoll.modify(epoll, path.consumerSocket.descriptor, flags: flags, data: Self.consumerData)
            }

            let expiry = path.expire()
            counters.willWait(blocks: true)
            let readyCount = try Epoll.wait(epoll, into: &events, timeout: expiry)
            counters.didWait(readyCount: readyCount)

            for index in 0..<readyCount {
                let (data, flags) = events[index]
                let readable = !flags.isDisjoint(with: [.readable, .error, .hangup])
                switch data {
                case Self.wakerData:
                    if control.consumeWake(counting: counters) { return }
                case Self.producerData:
                    if readable { _ = path.receiveProduced(budget: budget) }
                default:
                    if readable { _ = path.receiveFromConsumers(budget: budget) }
                    if flags.contains(.writable) { _ = path.sendOwed() }
                }
            }
        }
    }
}
