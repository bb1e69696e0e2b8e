import UDPLabOS
import UDPLabProtocol
import UDPLabURing

/// Backend `uring`: io_uring completions instead of readiness. One multishot `recvmsg` stays
/// armed and the kernel puts each datagram into a free buffer of a provided-buffer ring; the
/// engine turns every receive completion into a `sendmsg` straight from that buffer, submits the
/// pass's replies with one `io_uring_enter(2)`, and gives each buffer back when its send completes.
///
/// The buffers are the outgoing queue: `--queue` of them (default at least `--batch`), each a
/// datagram received and not yet sent back. When all are in use the kernel ends the multishot
/// receive (`ENOBUFS`) and datagrams wait in the socket's own buffer (counted as kernel drops
/// if it overflows) until a send completes and the receive is re-armed; the engine never drops
/// one itself. Sends never would-block here: the kernel waits for room in the socket itself.
/// `--batch` caps the completions handled per pass. A lone datagram costs one wakeup and two
/// syscalls: the wait that returns its receive, and the submit of its reply; `events` counts
/// the completions handled, two per datagram (its receive's and its send's).
public final class UringEcho: EngineLoop {
    /// What each request is queued with.
    private enum Request {
        static let receive: UInt64 = 1 << 32
        static let waker: UInt64 = 2 << 32
        static let cancel: UInt64 = 3 << 32
        /// A reply's user data also carries its buffer id, in the low bits.
        static let reply: UInt64 = 4 << 32
        static let kindMask: UInt64 = 0xFFFF_FFFF << 32
    }

    private let ring: IOUring
    private let socket: UDPSocket
    private let control: LoopControl
    private let counters: EngineCounters
    private let residence: ResidenceHistogram
    private let trace: TraceSink?
    private let reply: ReplyMode
    /// The loop and reflection guard, asked before each reply is made.
    private let sourceGuard: SourceGuard
    private let bufferCount: Int
    /// When each buffer's datagram arrived, for its residence time.
    private let receivedAt: UnsafeMutableBufferPointer<UInt64>
    /// Buffers holding a datagram whose reply has not completed.
    private var inFlight = 0
    private var isReceiveArmed = false
    private var isWakerArmed = false

    /// Sets up the ring and its buffers for `spec`, before any socket is bound.
    /// - Throws: ``EngineError/backendUnavailable(_:reason:)`` where io_uring is missing or
    ///   disabled, or the kernel lacks provided-buffer rings.
    public static func makeRing(_ spec: EngineSpec) throws(EngineError) -> IOUring {
        do {
            return try IOUring(
                bufferCount: spec.queueCapacity,
                payloadSize: spec.bufferSize,
                completionBatch: spec.effectiveBatch,
                controlMessages: !spec.packetInfoOptions.isEmpty
            )
        } catch {
            guard let reason = error.unavailability else { throw .system(error.error) }
            throw .backendUnavailable(.uring, reason: reason)
        }
    }

    /// Why io_uring cannot be used by this process, or `nil` where it can (found out once, by
    /// setting up a small ring).
    static let unavailableReason: String? = {
        do throws(IOUring.SetupFailure) {
            _ = try IOUring(bufferCount: 1, payloadSize: 1, completionBatch: 1)
            return nil
        } catch {
            return error.unavailability ?? error.error.description
        }
    }()

    public init(
        ring: IOUring,
        socket: consuming UDPSocket,
        spec: EngineSpec,
        control: LoopControl,
        counters: EngineCounters,
        residence: ResidenceHistogram,
        trace: TraceSink?
    ) throws(SystemError) {
        self.ring = ring
        self.socket = socket
        self.control = control
        self.counters = counters
        self.residence = residence
        self.trace = trace
        reply = spec.effectiveReply
        sourceGuard = SourceGuard(spec: spec, counters: counters, trace: trace)
        bufferCount = spec.queueCapacity
        receivedAt = .allocate(capacity: spec.queueCapacity)
        receivedAt.initialize(repeating: 0)
    }

    deinit { receivedAt.deallocate() }

    public func run() throws(SystemError) {
        counters.syscalls.increment()
        try ring.start()
        armWaker()
        armReceive()
        while true {
            var count = ring.reap()
            if count == 0 {
                // Nothing to handle: submit what the last pass queued, and wait for more. The
                // wait's events are the completions it brought, taken off the ring here.
                counters.willWait(blocks: true)
                try ring.submit(waitingFor: 1)
                count = ring.reap()
                counters.didWait(readyCount: count)
                if count == 0 { continue }
            } else {
                counters.events.increment(by: UInt64(count))
            }
            // One clock read per pass, as mmsg reads one per batch.
            let now = MonotonicClock.nanoseconds()
            // A stop is carried out after the whole pass: the completions after the waker's are
            // off the ring once the next reap runs, so a reply among them must be counted now,
            // or shutDown() would wait for it for ever.
            var isStopping = false
            for index in 0..<count {
                let completion = ring.completion(index)
                switch completion.userData & Request.kindMask {
                case Request.receive: try received(completion, at: now)
                case Request.reply: replied(completion, at: now)
                case Request.waker:
                    isWakerArmed = completion.hasMore
                    if control.consumeWake(counting: counters) { isStopping = true }
                default: break
                }
            }
            if isStopping {
                try shutDown()
                return
            }
            if !isWakerArmed { armWaker() }
            if !isReceiveArmed && inFlight < bufferCount { armReceive() }
            if ring.queuedCount > 0 {
                // The pass's replies (and re-arms), in one io_uring_enter, without waiting.
                counters.syscalls.increment()
                try ring.submit()
            }
        }
    }

    /// A datagram arrived (or the multishot receive ended): queue its reply from its buffer.
    /// - Throws: a submit that cannot make room for the reply (``IOUring/submitToMakeRoom()``).
    private func received(_ completion: IOUring.Completion, at now: UInt64) throws(SystemError) {
        isReceiveArmed = completion.hasMore
        guard let message = ring.message(of: completion) else {
            // Out of buffers: every one holds a reply in flight; re-armed when one comes back.
            if !completion.isOutOfBuffers {
                counters.errors.increment()
                trace?("recvmsg: \(completion.error("recvmsg")?.reason ?? "malformed buffer"); ignoring.")
            }
            if let id = completion.bufferID { ring.recycleBuffer(id) }
            return
        }
        counters.countReceived(byteCount: message.payload.count, isTruncated: message.isTruncated)
        if let trace {
            let truncation = message.isTruncated ? " (truncated from \(message.wireLength))" : ""
            trace(
                "recv \(message.payload.count) bytes from \(message.source.map { "\($0.unmappingIPv4)" } ?? "?")\(message.packetInfo.traceSuffix("to"))\(truncation)."
            )
        }
        // A datagram without a readable source cannot be answered anyway: the send fails.
        if let source = message.source, !sourceGuard.admits(source, at: now) {
            ring.recycleBuffer(message.bufferID)
            return
        }
        guard reply.makeReply(in: message.payload) else {
            counters.unanswered.increment()
            trace?("no reply (--reply \(reply.rawValue)).")
            ring.recycleBuffer(message.bufferID)
            return
        }
        receivedAt[Int(message.bufferID)] = now
        inFlight += 1
        counters.queueHighWater.raise(to: UInt64(inFlight))
        let userData = Request.reply | UInt64(message.bufferID)
        while !ring.queueReply(message, on: socket, userData: userData) {
            // The submission queue has room for a reply from every buffer and the re-arms, so it
            // is full only after a submit that drained nothing: one that fails again ends the
            // loop (state failed) instead of spinning.
            counters.syscalls.increment()
            try ring.submitToMakeRoom()
        }
    }

    /// A reply's send completed: count it and give its buffer back.
    private func replied(_ completion: IOUring.Completion, at now: UInt64) {
        let id = UInt16(truncatingIfNeeded: completion.userData)
        if completion.result >= 0 {
            counters.txDatagrams.increment()
            counters.txBytes.increment(by: UInt64(completion.result))
            residence.record(nanoseconds: now &- receivedAt[Int(id)])
            let packetInfo = ring.replyPacketInfo(id)
            counters.countPacketInfo(packetInfo)
            if let trace {
                trace(
                    "sent \(completion.result) bytes to \(ring.replyDestination(id).map { "\($0.unmappingIPv4)" } ?? "?")\(packetInfo.traceSuffix("from"))."
                )
            }
        } else {
            counters.errors.increment()
            trace?("sendmsg: \(completion.error("sendmsg")?.reason ?? ""); dropping packet.")
        }
        ring.recycleBuffer(id)
        inFlight -= 1
    }

    private func armReceive() {
        isReceiveArmed = ring.queueReceive(on: socket, userData: Request.receive)
    }

    private func armWaker() {
        isWakerArmed = ring.queuePoll(control.waker.eventFD, userData: Request.waker)
    }

    /// Cancels the receive and the poll and waits for every request to finish, so that no
    /// request still holds the socket when the engine closes it (its port is free at once).
    private func shutDown() throws(SystemError) {
        if isReceiveArmed { _ = ring.queueCancel(Request.receive, userData: Request.cancel) }
        if isWakerArmed { _ = ring.queueCancel(Request.waker, userData: Request.cancel) }
        counters.syscalls.increment()
        try ring.submit()
        while isReceiveArmed || isWakerArmed || inFlight > 0 {
            let count = ring.reap()
            if count == 0 {
                counters.syscalls.increment()
                try ring.submit(waitingFor: 1)
                continue
            }
            let now = MonotonicClock.nanoseconds()
            for index in 0..<count {
                let completion = ring.completion(index)
                switch completion.userData & Request.kindMask {
                case Request.receive:
                    // A datagram that came as the engine stopped: received, and not sent back.
                    isReceiveArmed = completion.hasMore
                    if ring.message(of: completion) != nil {
                        counters.rxDatagrams.increment()
                        counters.dropped.increment()
                    }
                    if let id = completion.bufferID { ring.recycleBuffer(id) }
                case Request.reply: replied(completion, at: now)
                case Request.waker: isWakerArmed = completion.hasMore
                default: break
                }
            }
        }
    }
}
