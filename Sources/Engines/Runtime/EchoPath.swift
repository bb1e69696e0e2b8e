import UDPLabOS
import UDPLabProtocol

/// What every queue-based echo backend shares, from the seed's `Message` and `VecDeque`: receive
/// one datagram into the outgoing queue (or drop it when the queue is full), send the oldest
/// one back, and count each step.
///
/// The reply (`--reply`) is made as a datagram is received: one that gets none takes no slot.
///
/// The backends differ only in when they call ``receive()`` and ``send()``; that is the lesson.
/// Backend `mmsg` calls their batched forms, ``receiveBatch(limit:)`` and ``sendBatch()``, which
/// move up to `--batch` datagrams per syscall through the same queue.
public final class EchoPath {
    /// The engine's socket.
    public let socket: UDPSocket
    private var queue: OutgoingQueue
    /// Where datagrams go while the queue is full: one buffer, or, for a batched path whose
    /// reply mode must look at each datagram (`--reply sockperf`), one per batch slot.
    private let scratch: UnsafeMutableRawBufferPointer
    private let scratchSlots: Int
    private let bufferSize: Int
    private let counters: EngineCounters
    private let residence: ResidenceHistogram
    private let trace: TraceSink?
    private let tracesPendingWrites: Bool
    private let reply: ReplyMode
    /// The loop and reflection guard, asked before each reply is made.
    private let sourceGuard: SourceGuard
    /// Headers for batched receives and sends, when the path was built with a batch capacity.
    private let receiving: MessageBatch?
    private let sending: MessageBatch?
    /// Whether the path moves batches (``receiveBatch(limit:)``, ``sendBatch()``): backend mmsg.
    public var isBatched: Bool { receiving != nil }

    /// - Parameters:
    ///   - socket: the bound socket, now owned by the path.
    ///   - spec: queue capacity and buffer size come from here.
    ///   - trace: where per-event lines go, or `nil` for none.
    ///   - tracesPendingWrites: whether to print `total pending writes: K` (echo-select did not).
    ///   - batchCapacity: datagrams per batch for ``receiveBatch(limit:)`` and ``sendBatch()``
    ///     (backend mmsg), or `nil` for a path that moves one datagram at a time.
    ///   - hasOutgoingQueue: `false` for a backend with a queue of its own (task-mpsc's channel)
    ///     that calls only ``receiveCounted(into:)``, ``makeReply(in:)`` and
    ///     ``sendCounted(_:to:receivedAt:)``: neither the queue's `--queue` × `--buffer` bytes nor
    ///     a scratch buffer is allocated.
    public init(
        socket: consuming UDPSocket,
        spec: EngineSpec,
        counters: EngineCounters,
        residence: ResidenceHistogram,
        trace: TraceSink?,
        tracesPendingWrites: Bool = true,
        batchCapacity: Int? = nil,
        hasOutgoingQueue: Bool = true
    ) {
        // Control buffers only where the socket asks for packet info: a specific bind and no
        // --reflect-tos keep the plain recvmmsg/sendmmsg.
        let controlMessages = !socket.packetInfoOptions.isEmpty
        self.socket = socket
        self.bufferSize = hasOutgoingQueue ? spec.bufferSize : 0
        self.queue = OutgoingQueue(capacity: hasOutgoingQueue ? spec.queueCapacity : 0, bufferSize: bufferSize)
        self.scratchSlots = spec.effectiveReply == .echo ? 1 : max(batchCapacity ?? 1, 1)
        self.scratch = .allocate(byteCount: bufferSize * scratchSlots, alignment: 16)
        self.counters = counters
        self.residence = residence
        self.trace = trace
        self.tracesPendingWrites = tracesPendingWrites
        self.reply = spec.effectiveReply
        self.sourceGuard = SourceGuard(spec: spec, counters: counters, trace: trace)
        self.receiving = batchCapacity.map { MessageBatch(capacity: $0, controlMessages: controlMessages) }
        self.sending = batchCapacity.map { MessageBatch(capacity: $0, controlMessages: controlMessages) }
    }

    deinit { scratch.deallocate() }

    /// `true` when nothing waits to be sent.
    var isQueueEmpty: Bool { queue.isEmpty }

    /// Receives one datagram: into the queue, as its reply, or, when the queue is full, into a
    /// scratch buffer to be counted in `dropped` and discarded (the seed's "outgoing buffers
    /// exhausted"). A datagram the reply mode does not answer is counted in `unanswered` instead.
    ///
    /// - Returns: `.wouldBlock` when no datagram was queued in the kernel; `.processed` otherwise,
    ///   also after an error, which is counted and skipped.
    func receive() -> IOResult<Void> {
        let isFull = queue.isFull
        let buffer = isFull ? scratchSlot(0) : queue.tail
        guard case .processed(let received) = receiveCounted(into: buffer) else {
            return .wouldBlock
        }
        guard let datagram = received,
            makeReply(in: UnsafeMutableRawBufferPointer(rebasing: buffer[..<datagram.byteCount]), from: datagram.source)
        else { return .processed(()) }
        if isFull {
            counters.dropped.increment()
            trace?("outgoing buffers exhausted; dropping packet.")
            return .processed(())
        }
        queue.commitTail(
            length: datagram.byteCount,
            address: datagram.source,
            receivedAt: MonotonicClock.nanoseconds(),
            packetInfo: datagram.packetInfo
        )
        counters.queueHighWater.raise(to: UInt64(queue.count))
        if tracesPendingWrites {
            trace?("total pending writes: \(queue.count)")
        }
        return .processed(())
    }

    /// Receives one datagram into `buffer`, counting it (and tracing it).
    ///
    /// - Returns: the datagram; `nil` after an error, which is counted and skipped; or
    ///   `.wouldBlock` when none was queued.
    func receiveCounted(into buffer: UnsafeMutableRawBufferPointer) -> IOResult<ReceivedDatagram?> {
        let result = socket.receive(into: buffer, counting: counters) { error in
            trace?("recvfrom: \(error.reason); ignoring.")
        }
        if trace != nil, case .processed(let datagram?) = result {
            traceReceived(datagram)
        }
        return result
    }

    /// Prints the seed's `recv N bytes from A.` line for `datagram`, noting a truncation.
    private func traceReceived(_ datagram: ReceivedDatagram) {
        let truncation = datagram.isTruncated ? " (truncated from \(datagram.wireLength))" : ""
        trace?(
            "recv \(datagram.byteCount) bytes from \(datagram.source.unmappingIPv4)\(datagram.packetInfo.traceSuffix("to"))\(truncation)."
        )
    }

    /// Makes the reply to the datagram in `bytes` from `source` in place (`--reply`): `true`
    /// when it gets one; otherwise counts it in `policy_drops` (a denied source port: the
    /// guard, asked first) or `unanswered`.
    /// `now` is read only when a rate limit applies: a batch passes the time it read once.
    @inline(__always)
    func makeReply(
        in bytes: UnsafeMutableRawBufferPointer,
        from source: SocketAddress,
        at now: @autoclosure () -> UInt64 = MonotonicClock.nanoseconds()
    ) -> Bool {
        guard sourceGuard.admits(source, at: now()) else { return false }
        if reply.makeReply(in: bytes) { return true }
        counters.unanswered.increment()
        trace?("no reply (--reply \(reply.rawValue)).")
        return false
    }

    /// The scratch buffer of batch slot `index` (all share one when the reply mode never looks).
    private func scratchSlot(_ index: Int) -> UnsafeMutableRawBufferPointer {
        let slot = index < scratchSlots ? index : 0
        return UnsafeMutableRawBufferPointer(rebasing: scratch[(slot * bufferSize)..<((slot + 1) * bufferSize)])
    }

    /// Receives until the socket would block or `budget` datagrams were received (0: no limit).
    ///
    /// - Returns: `true` when it stopped because the socket would block (it is drained).
    func receive(budget: Int) -> Bool {
        var received = 0
        while budget == 0 || received < budget {
            guard case .processed = receive() else { return true }
            received += 1
        }
        return false
    }

    /// Sends the oldest queued datagram back to its source.
    ///
    /// - Returns: `.wouldBlock` when the socket's buffer is full: the datagram stays at the front,
    ///   so order is kept (the seed's epoll-edge put it at the back). `.processed` when it was sent,
    ///   or failed with an error, which is counted and the datagram dropped.
    /// - Important: the queue must not be empty.
    func send() -> IOResult<Void> {
        let (bytes, address, receivedAt, packetInfo) = queue.front
        guard case .processed = sendCounted(bytes, to: address, packetInfo: packetInfo, receivedAt: receivedAt) else {
            return .wouldBlock
        }
        queue.removeFront()
        return .processed(())
    }

    /// Sends the reply in `bytes` (made by ``makeReply(in:)``) to `address`, from where its
    /// request arrived (`packetInfo`, on a wildcard bind or with `--reflect-tos`), counting it and
    /// its residence time since `receivedAt`.
    ///
    /// - Returns: `.wouldBlock` when the socket's buffer is full; `.processed` when it was sent or
    ///   failed with an error, which is counted (the datagram is then lost).
    func sendCounted(
        _ bytes: UnsafeMutableRawBufferPointer,
        to address: SocketAddress,
        packetInfo: PacketInfo,
        receivedAt: UInt64
    ) -> IOResult<Void> {
        counters.syscalls.increment()
        do {
            guard
                case .processed(let sent) = try socket.send(
                    UnsafeRawBufferPointer(bytes),
                    to: address,
                    packetInfo: packetInfo
                )
            else {
                counters.sendWouldBlock.increment()
                return .wouldBlock
            }
            counters.txDatagrams.increment()
            counters.txBytes.increment(by: UInt64(sent))
            counters.countPacketInfo(packetInfo)
            residence.record(nanoseconds: MonotonicClock.nanoseconds() &- receivedAt)
            trace?("sent \(sent) bytes to \(address.unmappingIPv4)\(packetInfo.traceSuffix("from")).")
        } catch {
            counters.errors.increment()
            trace?("sendto \(address.unmappingIPv4): \(error.reason); dropping packet.")
        }
        return .processed(())
    }

    /// Receives up to `limit` datagrams with one `recvmmsg(2)`: straight into the queue's free
    /// slots, at most as many as there are (so nothing is dropped while the queue has room), or,
    /// when the queue is full, a batch into the scratch buffers, each counted in `dropped` and
    /// discarded as ``receive()`` does. A datagram that gets no reply (`--reply`, or a denied
    /// source port) is counted in `unanswered` (or `policy_drops`) and takes no slot: the ones after it move up.
    ///
    /// - Returns: `.wouldBlock` when no datagram was queued in the kernel; otherwise how many
    ///   were received and whether the socket is drained (fewer came than were asked for: the
    ///   kernel found the next receive would block). After an error, which is counted and
    ///   skipped, none were received and the socket is not known to be drained.
    /// - Important: only on a path built with a batch capacity.
    func receiveBatch(limit: Int) -> IOResult<(received: Int, isDrained: Bool)> {
        let batch = receiving!
        let isFull = queue.isFull
        let requested = min(limit, batch.capacity, isFull ? batch.capacity : queue.freeCount)
        for index in 0..<requested {
            batch.prepareReceive(index, into: isFull ? scratchSlot(index) : queue.freeSlot(index))
        }
        counters.syscalls.increment()
        let result: IOResult<Int>
        do {
            result = try batch.receive(from: socket, count: requested)
        } catch {
            counters.errors.increment()
            trace?("recvmmsg: \(error.reason); ignoring.")
            return .processed((0, false))
        }
        guard case .processed(let received) = result else {
            counters.recvWouldBlock.increment()
            return .wouldBlock
        }
        let receivedAt = MonotonicClock.nanoseconds()
        var unanswered = 0
        for index in 0..<received {
            let datagram = batch.datagram(at: index)
            counters.countReceived(byteCount: datagram.byteCount, isTruncated: datagram.isTruncated)
            if trace != nil {
                traceReceived(datagram)
            }
            // Unanswered ones left gaps: this datagram is `unanswered` slots after the tail.
            let slot = isFull ? scratchSlot(index) : queue.freeSlot(unanswered)
            let bytes = UnsafeMutableRawBufferPointer(rebasing: slot[..<datagram.byteCount])
            guard makeReply(in: bytes, from: datagram.source, at: receivedAt) else {
                unanswered += 1
                continue
            }
            if isFull {
                counters.dropped.increment()
                trace?("outgoing buffers exhausted; dropping packet.")
                continue
            }
            if unanswered > 0 {
                queue.tail.copyMemory(from: UnsafeRawBufferPointer(bytes))
            }
            queue.commitTail(
                length: datagram.byteCount,
                address: datagram.source,
                receivedAt: receivedAt,
                packetInfo: datagram.packetInfo
            )
            if tracesPendingWrites {
                trace?("total pending writes: \(queue.count)")
            }
        }
        if !isFull {
            counters.queueHighWater.raise(to: UInt64(queue.count))
        }
        return .processed((received, received < requested))
    }

    /// Sends the oldest queued datagrams, up to a batch, with one `sendmmsg(2)`.
    ///
    /// The kernel may send only some of them: those are removed and the rest stay at the front,
    /// in order, for the next call, which tells whether the first of them would block or failed.
    ///
    /// - Returns: `.wouldBlock` when the socket's buffer is full (nothing was sent); `.processed`
    ///   when at least one was sent, or when the first failed with an error, which is counted
    ///   and that datagram dropped, as ``send()`` does.
    /// - Important: only on a path built with a batch capacity; the queue must not be empty.
    func sendBatch() -> IOResult<Void> {
        let batch = sending!
        let count = min(queue.count, batch.capacity)
        for index in 0..<count {
            let (bytes, address, _, packetInfo) = queue[index]
            batch.prepareSend(index, UnsafeRawBufferPointer(bytes), to: address, packetInfo: packetInfo)
        }
        counters.syscalls.increment()
        do {
            guard case .processed(let sent) = try batch.send(on: socket, count: count) else {
                counters.sendWouldBlock.increment()
                return .wouldBlock
            }
            let now = MonotonicClock.nanoseconds()
            for index in 0..<sent {
                let byteCount = batch.sentByteCount(at: index)
                counters.txDatagrams.increment()
                counters.txBytes.increment(by: UInt64(byteCount))
                let (_, address, receivedAt, packetInfo) = queue[index]
                counters.countPacketInfo(packetInfo)
                residence.record(nanoseconds: now &- receivedAt)
                trace?("sent \(byteCount) bytes to \(address.unmappingIPv4)\(packetInfo.traceSuffix("from")).")
            }
            queue.removeFront(sent)
        } catch {
            counters.errors.increment()
            trace?("sendmmsg \(queue.front.address): \(error.reason); dropping packet.")
            queue.removeFront()
        }
        return .processed(())
    }
}
