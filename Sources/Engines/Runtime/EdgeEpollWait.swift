import UDPLabOS

/// The waiting half both edge-triggered epoll backends share (`epoll-edge`, `mmsg`): one epoll
/// instance holding the socket and the stop waker, edge-triggered; writable interest only while
/// a send would block, re-armed before each such wait; a zero-timeout look when the budget ran out.
final class EdgeEpollWait {
    private static let socketData: UInt64 = 0
    private static let wakerData: UInt64 = 1

    /// What a wait reported for the socket, or that the loop must return.
    struct Readiness {
        var isReadable = false
        var isWritable = false
        var mustStop = false
    }

    private let epoll: FileDescriptor
    private var events = Epoll.EventBuffer(capacity: 16)
    private var isWatchingWrites = false
    private let control: LoopControl
    private let counters: EngineCounters

    /// Registers `socket` and the stop waker, edge-triggered for reading.
    init(socket: borrowing UDPSocket, control: LoopControl, counters: EngineCounters) throws(SystemError) {
        self.control = control
        self.counters = counters
        epoll = try Epoll.create()
        try Epoll.add(epoll, socket.descriptor, flags: [.readable, .edgeTriggered], data: Self.socketData)
        try Epoll.add(
            epoll,
            control.waker.eventFD.descriptor,
            flags: [.readable, .edgeTriggered],
            data: Self.wakerData
        )
        counters.syscalls.increment(by: 3)
    }

    /// Sets the interest, then waits.
    ///
    /// - Parameters:
    ///   - socket: the registered socket.
    ///   - sendWouldBlock: datagrams wait because a send would block: ask for (and re-arm) `EPOLLOUT`.
    ///   - isYielding: the budget ran out with data left: only look (zero timeout).
    /// - Returns: the socket's readiness, or `mustStop` after a stop request.
    func wait(
        _ socket: borrowing UDPSocket,
        sendWouldBlock: Bool,
        isYielding: Bool
    ) throws(SystemError) -> Readiness {
        if sendWouldBlock {
            // MOD re-arms the edge: EPOLLOUT comes as soon as there is room.
            isWatchingWrites = true
            try setInterest(socket, [.readable, .writable, .edgeTriggered])
        } else if isWatchingWrites {
            isWatchingWrites = false
            try setInterest(socket, [.readable, .edgeTriggered])
        }
        counters.willWait(blocks: !isYielding)
        let readyCount = try Epoll.wait(epoll, into: &events, timeout: isYielding ? .zero : nil)
        counters.didWait(readyCount: readyCount)

        var readiness = Readiness()
        for index in 0..<readyCount {
            let (data, flags) = events[index]
            if data == Self.wakerData {
                readiness.mustStop = control.consumeWake(counting: counters)
                if readiness.mustStop { return readiness }
                continue
            }
            readiness.isReadable = readiness.isReadable || !flags.isDisjoint(with: [.readable, .error, .hangup])
            readiness.isWritable = readiness.isWritable || flags.contains(.writable)
        }
        return readiness
    }

    private func setInterest(_ socket: borrowing UDPSocket, _ flags: Epoll.Flags) throws(SystemError) {
        counters.syscalls.increment()
        counters.interestChanges.increment()
        try Epoll.modify(epoll, socket.descriptor, flags: flags, data: Self.socketData)
    }
}
