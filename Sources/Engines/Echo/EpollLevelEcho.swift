import UDPLabOS

/// Backend `epoll-level`, after the seed's echo-epoll-level: level-triggered epoll(7) used as a
/// better select.
///
/// `EPOLLOUT` is registered only while the queue holds something. The seed issued an
/// `EPOLL_CTL_MOD` before every wait; udplab issues one only when the interest changes, so
/// `interest_changes` counts real changes (two per lone datagram).
public final class EpollLevelEcho: EngineLoop {
    private static let socketData: UInt64 = 0
    private static let wakerData: UInt64 = 1

    private let path: EchoPath
    private let control: LoopControl
    private let counters: EngineCounters
    private let budget: Int
    private let epoll: FileDescriptor

    public init(path: EchoPath, control: LoopControl, counters: EngineCounters, budget: Int) throws(SystemError) {
        self.path = path
        self.control = control
        self.counters = counters
        self.budget = budget
        epoll = try Epoll.create()
        try Epoll.add(epoll, path.socket.descriptor, flags: .readable, data: Self.socketData)
        try Epoll.add(epoll, control.waker.eventFD.descriptor, flags: .readable, data: Self.wakerData)
        counters.syscalls.increment(by: 3)
    }

    public func run() throws(SystemError) {
        var events = Epoll.EventBuffer(capacity: 16)
        var wantsWrite = false
        while true {
            if wantsWrite == path.isQueueEmpty {
                wantsWrite.toggle()
                counters.syscalls.increment()
                counters.interestChanges.increment()
                let flags: Epoll.Flags = wantsWrite ? [.readable, .writable] : .readable
                try Epoll.modify(epoll, path.socket.descriptor, flags: flags, data: Self.socketData)
            }

            counters.willWait(blocks: true)
            let readyCount = try Epoll.wait(epoll, into: &events, timeout: nil)
            counters.didWait(readyCount: readyCount)

            for index in 0..<readyCount {
                let (data, flags) = events[index]
                if data == Self.wakerData {
                    if control.consumeWake(counting: counters) { return }
                    continue
                }
                if !flags.isDisjoint(with: [.readable, .error, .hangup]) {
                    _ = path.receive(budget: budget)
                }
                if flags.contains(.writable) && !path.isQueueEmpty {
                    _ = path.send()
                }
            }
        }
    }
}
