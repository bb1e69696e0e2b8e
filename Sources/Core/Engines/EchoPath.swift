/// What every queue-based echo backend shares, from the seed's `Message` and `VecDeque`: receive
/// one datagram into the outgoing queue (or drop it when the queue is full), send the oldest
/// one back, and count each step.
///
/// The backends differ only in when they call ``receive()`` and ``send()``; that is the lesson.
final class EchoPath {
    /// The engine's socket.
    let socket: UDPSocket
    private var queue: OutgoingQueue
    private let scratch: UnsafeMutableRawBufferPointer
    private let counters: EngineCounters
    private let residence: ResidenceHistogram
    private let trace: TraceSink?
    private let tracesPendingWrites: Bool

    /// - Parameters:
    ///   - socket: the bound socket, now owned by the path.
    ///   - spec: queue capacity and buffer size come from here.
    ///   - trace: where per-event lines go, or `nil` for none.
    ///   - tracesPendingWrites: whether to print `total pending writes: K` (echo-select did not).
    init(
        socket: consuming UDPSocket,
        spec: EngineSpec,
        counters: EngineCounters,
        residence: ResidenceHistogram,
        trace: TraceSink?,
        tracesPendingWrites: Bool = true
    ) {
        self.socket = socket
        self.queue = OutgoingQueue(capacity: spec.queueCapacity, bufferSize: spec.bufferSize)
        self.scratch = .allocate(byteCount: spec.bufferSize, alignment: 16)
        self.counters = counters
        self.residence = residence
        self.trace = trace
        self.tracesPendingWrites = tracesPendingWrites
    }

    deinit { scratch.deallocate() }

    /// `true` when nothing waits to be sent.
    var isQueueEmpty: Bool { queue.isEmpty }

    /// Receives one datagram: into the queue, or, when the queue is full, into a scratch buffer
    /// to be counted in `dropped` and discarded (the seed's "outgoing buffers exhausted").
    ///
    /// - Returns: `.wouldBlock` when no datagram was queued in the kernel; `.processed` otherwise,
    ///   also after an error, which is counted and skipped.
    func receive() -> IOResult<Void> {
        let isFull = queue.isFull
        guard case .processed(let received) = receiveCounted(into: isFull ? scratch : queue.tail) else {
            return .wouldBlock
        }
        guard let datagram = received else { return .processed(()) }
        if isFull {
            counters.dropped.increment()
            trace?("outgoing buffers exhausted; dropping packet.")
            return .processed(())
        }
        queue.commitTail(length: datagram.byteCount, address: datagram.source, receivedAt: MonotonicClock.nanoseconds())
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
        if let trace, case .processed(let datagram?) = result {
            let truncation = datagram.isTruncated ? " (truncated from \(datagram.wireLength))" : ""
            trace("recv \(datagram.byteCount) bytes from \(datagram.source)\(truncation).")
        }
        return result
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
        let (bytes, address, receivedAt) = queue.front
        guard case .processed = sendCounted(bytes, to: address, receivedAt: receivedAt) else { return .wouldBlock }
        queue.removeFront()
        return .processed(())
    }

    /// Sends `bytes` to `address`, counting it and its residence time since `receivedAt`.
    ///
    /// - Returns: `.wouldBlock` when the socket's buffer is full; `.processed` when it was sent or
    ///   failed with an error, which is counted (the datagram is then lost).
    func sendCounted(_ bytes: UnsafeRawBufferPointer, to address: SocketAddress, receivedAt: UInt64) -> IOResult<Void> {
        counters.syscalls.increment()
        do {
            guard case .processed(let sent) = try socket.send(bytes, to: address) else {
                counters.sendWouldBlock.increment()
                return .wouldBlock
            }
            counters.txDatagrams.increment()
            counters.txBytes.increment(by: UInt64(sent))
            residence.record(nanoseconds: MonotonicClock.nanoseconds() &- receivedAt)
            trace?("sent \(sent) bytes to \(address).")
        } catch {
            counters.errors.increment()
            trace?("sendto \(address): \(error.reason); dropping packet.")
        }
        return .processed(())
    }
}
