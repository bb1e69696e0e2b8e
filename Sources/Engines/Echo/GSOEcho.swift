import UDPLabOS
import UDPLabProtocol

/// Backend `gso`: UDP generic receive offload in, generic segmentation offload out, on the mmsg
/// loop (edge-triggered epoll(7)), as a C GRO/GSO echo after the kernel's `udpgso_bench` would be.
///
/// `UDP_GRO` is on, so the kernel may hand one flow's datagrams over coalesced: one buffer of
/// datagrams of one size (the last may be shorter), with a `UDP_GRO` control message giving
/// that size. Each pass receives up to `--batch` such buffers, 64 KiB each, with one
/// `recvmmsg(2)`, and echoes each one to its source as one message of the `sendmmsg(2)` that
/// follows, with a `UDP_SEGMENT` control message of the same size, so the kernel cuts it back
/// into the datagrams that came in. A buffer without a `UDP_GRO` message is one datagram and
/// goes back as one, without `UDP_SEGMENT`. Counters stay per datagram (a buffer of 16 counts
/// 16 in `rx_datagrams`); `gro_buffers`, `gso_sends` and `gso_fallbacks` count the buffers.
///
/// `--reply sockperf` looks at each segment: the answered ones are moved up over the ones that
/// get no reply (compacted, in order), so the buffer still holds a train of one segment size
/// with only its last segment shorter, and goes back as one send.
///
/// The `--batch` buffers are the queue: while replies wait for room in the socket's send buffer
/// nothing more is received, and datagrams wait in the kernel (counted as kernel drops if its
/// receive buffer overflows); the engine never drops one itself. `sendmmsg` may send only some
/// messages: the rest are sent first on the next pass, in order.
///
/// Where the kernel refuses a `UDP_SEGMENT` send (`EIO`: the device cannot checksum it;
/// `EINVAL`), the engine does what quinn-udp does: from then on it sends every train datagram
/// by datagram (one `sendmmsg` message per segment), counting each such train in
/// `gso_fallbacks`, the refused one first; nothing is lost. Nothing is allocated per datagram:
/// the buffers, the batches' headers and control buffers exist from the start.
public final class GSOEcho: EngineLoop {
    private static let socketData: UInt64 = 0
    private static let wakerData: UInt64 = 1
    private static let bufferSize = UDPSocket.offloadBufferSize

    private let socket: UDPSocket
    private let control: LoopControl
    private let counters: EngineCounters
    private let residence: ResidenceHistogram
    private let trace: TraceSink?
    private let reply: ReplyMode
    /// The loop and reflection guard, asked for each buffer (a GRO train has one source), which
    /// counts the train's datagrams in `policy_drops` when it is not to be echoed.
    private let sourceGuard: SourceGuard
    /// `--buffer`: each datagram is cut at this many bytes, as on every backend.
    private let bufferLimit: Int
    private let epoll: FileDescriptor
    private var events = Epoll.EventBuffer(capacity: 16)
    private let receiving: MessageBatch
    private let sending: MessageBatch
    /// The trains: `--batch` buffers of 64 KiB, and what each holds to send back.
    private var trains: SegmentTrains
    /// The kernel refused a `UDP_SEGMENT` send: every train now goes datagram by datagram.
    private var isSegmentationRefused = false

    /// Turns `UDP_GRO` on, checks `UDP_SEGMENT`, and registers the socket and the stop waker,
    /// edge-triggered for reading.
    ///
    /// - Throws: ``EngineError/backendUnavailable(_:reason:)`` where the kernel lacks either
    ///   option (`ENOPROTOOPT`); ``EngineError/system(_:)`` for any other failure.
    public init(
        socket: consuming UDPSocket,
        spec: EngineSpec,
        control: LoopControl,
        counters: EngineCounters,
        residence: ResidenceHistogram,
        trace: TraceSink?
    ) throws(EngineError) {
        do {
            try socket.enableReceiveOffload()
            try socket.checkSegmentationOffload()
        } catch {
            if let reason = Self.unavailability(error) { throw .backendUnavailable(.gso, reason: reason) }
            throw .system(error)
        }
        do {
            epoll = try Self.makeEpoll(watching: socket, waker: control.waker)
        } catch {
            throw .system(error)
        }
        self.socket = socket
        self.control = control
        self.counters = counters
        self.residence = residence
        self.trace = trace
        reply = spec.effectiveReply
        sourceGuard = SourceGuard(spec: spec, counters: counters, trace: trace)
        bufferLimit = spec.bufferSize
        let batch = spec.effectiveBatch
        receiving = MessageBatch(capacity: batch, controlMessages: true)
        // One message per segment once GSO is refused: a whole GRO buffer (at most 128) fits.
        sending = MessageBatch(capacity: max(batch, SegmentTrains.maxSegmentsPerSend), controlMessages: true)
        trains = SegmentTrains(capacity: batch, bufferSize: Self.bufferSize, messageCapacity: sending.capacity)
        // setsockopt(UDP_GRO), getsockopt(UDP_SEGMENT), epoll_create1, two epoll_ctl.
        counters.syscalls.increment(by: 5)
    }

    deinit { trains.deallocate() }

    /// An epoll instance with `socket` and `waker` registered, edge-triggered for reading.
    private static func makeEpoll(
        watching socket: borrowing UDPSocket,
        waker: Waker
    ) throws(SystemError) -> FileDescriptor {
        let epoll = try Epoll.create()
        try Epoll.add(epoll, socket.descriptor, flags: [.readable, .edgeTriggered], data: socketData)
        try Epoll.add(epoll, waker.eventFD.descriptor, flags: [.readable, .edgeTriggered], data: wakerData)
        return epoll
    }

    /// Why the kernel cannot run this backend (found out once, on a socket of its own), or `nil`.
    static let unavailableReason: String? = {
        do throws(SystemError) {
            let probe = try UDPSocket(binding: .init(loopbackPort: 0))
            try probe.enableReceiveOffload()
            try probe.checkSegmentationOffload()
            return nil
        } catch {
            return unavailability(error) ?? error.description
        }
    }()

    /// The reason for `BackendUnavailable` when `error` says the kernel lacks GRO or GSO.
    private static func unavailability(_ error: SystemError) -> String? {
        guard error.isOffloadMissing else { return nil }
        return "the kernel lacks UDP GRO (Linux 5.0) or UDP GSO (4.18): \(error)"
    }

    public func run() throws(SystemError) {
        var canRead = true
        var canWrite = true
        var isWatchingWrites = false
        while !control.isStopRequested {
            var progressed = false
            if canRead && trains.isEmpty {
                switch receiveBatch() {
                case .processed(let isDrained):
                    progressed = true
                    canRead = !isDrained
                case .wouldBlock: canRead = false
                }
            }
            if canWrite && !trains.isEmpty {
                switch sendBatch() {
                case .processed: progressed = true
                case .wouldBlock: canWrite = false
                }
            }
            if progressed { continue }

            if !trains.isEmpty {
                // A send would block. MOD re-arms the edge: EPOLLOUT comes as soon as there is room.
                isWatchingWrites = true
                try setInterest([.readable, .writable, .edgeTriggered])
            } else if isWatchingWrites {
                isWatchingWrites = false
                try setInterest([.readable, .edgeTriggered])
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
                canRead = canRead || !flags.isDisjoint(with: [.readable, .error, .hangup])
                canWrite = canWrite || flags.contains(.writable)
            }
        }
    }

    /// Receives up to `--batch` buffers with one `recvmmsg(2)`, each a datagram or a GRO train,
    /// and makes their replies in place (`--reply`), per segment.
    ///
    /// - Returns: whether the socket is drained (fewer buffers came than were asked for), or
    ///   `.wouldBlock` when nothing was queued. After an error, which is counted and skipped,
    ///   the socket is not known to be drained.
    private func receiveBatch() -> IOResult<Bool> {
        for index in 0..<receiving.capacity {
            receiving.prepareReceive(index, into: trains.buffer(index))
        }
        counters.syscalls.increment()
        let result: IOResult<Int>
        do {
            result = try receiving.receive(from: socket, count: receiving.capacity)
        } catch {
            counters.errors.increment()
            trace?("recvmmsg: \(error.reason); ignoring.")
            return .processed(false)
        }
        guard case .processed(let received) = result else {
            counters.recvWouldBlock.increment()
            return .wouldBlock
        }
        let receivedAt = MonotonicClock.nanoseconds()
        for index in 0..<received {
            let datagram = receiving.datagram(at: index)
            let segmentSize = receiving.segmentSize(at: index)
            let isDenied = !sourceGuard.admits(
                datagram.source,
                at: receivedAt,
                datagrams: UInt64(SegmentTrains.segmentCount(length: datagram.byteCount, segmentSize: segmentSize))
            )
            let train = trains.fill(
                index,
                datagram: datagram,
                segmentSize: segmentSize,
                limit: bufferLimit,
                reply: isDenied ? nil : reply
            )
            counters.rxDatagrams.increment(by: UInt64(train.segments))
            counters.rxBytes.increment(by: UInt64(train.bytes))
            if !isDenied {
                counters.unanswered.increment(by: UInt64(train.segments - train.answered))
            }
            if train.segments > 1 {
                counters.groBuffers.increment()
            }
            // A 64 KiB buffer holds any UDP datagram: only --buffer cuts one.
            counters.truncated.increment(by: UInt64(train.truncated))
            if let trace {
                let shape = train.segments > 1 ? " (GRO: \(train.segments) of \(segmentSize ?? 0))" : ""
                let truncation = train.truncated > 0 ? " (\(train.truncated) truncated to \(bufferLimit))" : ""
                trace(
                    "recv \(datagram.byteCount) bytes\(shape) from \(datagram.source.unmappingIPv4)\(datagram.packetInfo.traceSuffix("to"))\(truncation)."
                )
                if !isDenied && train.answered < train.segments {
                    trace("no reply to \(train.segments - train.answered) (--reply \(reply.rawValue)).")
                }
            }
        }
        trains.commit(count: received, receivedAt: receivedAt)
        counters.queueHighWater.raise(to: UInt64(received))
        return .processed(received < receiving.capacity)
    }

    /// Sends what the trains still hold, up to a batch of messages, with one `sendmmsg(2)`: each
    /// train as one message with `UDP_SEGMENT` (a lone datagram without), or, once the kernel
    /// refused GSO, one message per datagram.
    ///
    /// - Returns: `.wouldBlock` when the socket's buffer is full (nothing was sent); `.processed`
    ///   when at least one message was sent, when the kernel refused GSO (the train stays, to go
    ///   datagram by datagram), or when the first message failed otherwise, which is counted
    ///   and that message dropped.
    private func sendBatch() -> IOResult<Void> {
        let count = trains.prepareMessages(in: sending, segmenting: !isSegmentationRefused)
        guard count > 0 else { return .processed(()) }
        counters.syscalls.increment()
        do {
            guard case .processed(let sent) = try sending.send(on: socket, count: count) else {
                counters.sendWouldBlock.increment()
                return .wouldBlock
            }
            let now = MonotonicClock.nanoseconds()
            for index in 0..<sent {
                let message = trains.message(index)
                counters.txDatagrams.increment(by: UInt64(message.segments))
                counters.txBytes.increment(by: UInt64(sending.sentByteCount(at: index)))
                if message.isSegmented {
                    counters.gsoSends.increment()
                }
                if message.endsFallbackTrain {
                    counters.gsoFallbacks.increment()
                }
                for _ in 0..<message.segments {
                    residence.record(nanoseconds: now &- trains.receivedAt)
                    counters.countPacketInfo(message.packetInfo)
                }
                trace?(
                    "sent \(sending.sentByteCount(at: index)) bytes to \(message.address.unmappingIPv4)\(message.packetInfo.traceSuffix("from"))."
                )
            }
            trains.removeMessages(sent)
        } catch {
            let message = trains.message(0)
            if message.isSegmented && error.isOffloadRefused {
                // As quinn-udp: GSO is off for good; the same train goes again, datagram by datagram.
                isSegmentationRefused = true
                trace?(
                    "sendmmsg UDP_SEGMENT to \(message.address.unmappingIPv4): \(error.reason); GSO refused, sending datagram by datagram from now on."
                )
                return .processed(())
            }
            counters.errors.increment()
            trace?(
                "sendmmsg \(message.address.unmappingIPv4): \(error.reason); dropping \(message.segments) datagrams."
            )
            trains.removeMessages(1)
        }
        return .processed(())
    }

    /// `epoll_ctl(MOD)` on the socket: counted as an interest change.
    private func setInterest(_ flags: Epoll.Flags) throws(SystemError) {
        counters.syscalls.increment()
        counters.interestChanges.increment()
        try Epoll.modify(epoll, socket.descriptor, flags: flags, data: Self.socketData)
    }
}
