import UDPLabOS
import UDPLabProtocol
import UDPLabURing

/// A relay on io_uring (backend `uring`): completions instead of readiness. A multishot
/// `recvmsg` stays armed on each socket, the kernel putting each datagram into a free buffer of
/// the ring's provided buffers; a producer's datagram is copied into ``RelayPath``'s ring at
/// once, a consumer's is read there, and either buffer goes straight back. What consumers are
/// owed goes out as rounds of `sendmsg`, one per consumer owed a datagram in turn (at most
/// `--batch`), each round submitted with one `io_uring_enter(2)`; the next round is queued when
/// the whole round has completed, so a consumer never has two datagrams in flight and gets them
/// in order.
///
/// A send in flight reads its datagram from its slot. A produced datagram that would overwrite
/// a slot a send of the round still reads (its consumer a whole ring behind) waits in its
/// provided buffer until the round completes, and every later one behind it; when all the
/// buffers wait the kernel ends the multishot receives (`ENOBUFS`) and datagrams wait in the
/// sockets' own buffers until the round is done. Sends never would-block here: the kernel
/// waits for room in the consumer socket itself.
///
/// `--consumer-timeout` bounds each wait (`io_uring_enter` with a time limit). `--batch` caps
/// the completions handled per pass and the sends of a round; there are no readiness events
/// to `--budget`. `events` counts the completions handled.
public final class UringRelay: EngineLoop {
    /// What each request is queued with.
    private enum Request {
        static let producers: UInt64 = 1 << 32
        static let consumers: UInt64 = 2 << 32
        static let waker: UInt64 = 3 << 32
        static let cancel: UInt64 = 4 << 32
        /// A send's user data also carries its index in the round, in the low bits.
        static let send: UInt64 = 5 << 32
        static let kindMask: UInt64 = 0xFFFF_FFFF << 32
    }

    private let ring: IOUring
    private let path: RelayPath
    private let control: LoopControl
    private let counters: EngineCounters
    private let trace: TraceSink?
    private let bufferCount: Int
    /// Sends per round at most: `--batch`, and no more than the ring has send headers.
    private let roundLimit: Int
    /// The round of sends queued, in send header order; those of its sends still in flight.
    private var round: [RelayPath.QueuedSend] = []
    private var sendsInFlight = 0
    /// The oldest sequence number the round sends.
    private var oldestInFlight: UInt64 = 0
    /// Producer receives whose datagram waits in its buffer for the round to complete, in order.
    private var waiting: [IOUring.Completion] = []
    private var isProducerReceiveArmed = false
    private var isConsumerReceiveArmed = false
    private var isWakerArmed = false

    /// Sets up the ring and its buffers for `spec`, before any socket is bound: `--queue`
    /// provided buffers of `--buffer` bytes, shared by both sockets' receives.
    /// - Throws: ``EngineError/backendUnavailable(_:reason:)`` where io_uring is missing or
    ///   disabled, or the kernel lacks provided-buffer rings.
    public static func makeRing(_ spec: EngineSpec) throws(EngineError) -> IOUring {
        do {
            return try IOUring(
                bufferCount: spec.queueCapacity,
                payloadSize: spec.bufferSize,
                completionBatch: spec.effectiveBatch,
                addressedSends: true
            )
        } catch {
            guard let reason = error.unavailability else { throw .system(error.error) }
            throw .backendUnavailable(.uring, reason: reason)
        }
    }

    public init(
        ring: IOUring,
        path: RelayPath,
        spec: EngineSpec,
        control: LoopControl,
        counters: EngineCounters,
        trace: TraceSink?
    ) {
        self.ring = ring
        self.path = path
        self.control = control
        self.counters = counters
        self.trace = trace
        bufferCount = spec.queueCapacity
        roundLimit = max(1, min(spec.effectiveBatch, ring.sendHeaderCount))
        round.reserveCapacity(roundLimit)
    }

    public func run() throws(SystemError) {
        counters.syscalls.increment()
        try ring.start()
        armWaker()
        armProducerReceive()
        armConsumerReceive()
        while true {
            // Forgets the consumers gone quiet, and bounds the wait by the next one due.
            let expiry = path.expire()
            var count = ring.reap()
            if count == 0 {
                // Nothing to handle: submit what the last pass queued, and wait for more (or
                // for the next consumer to expire). The wait's events are the completions it
                // brought, taken off the ring here.
                counters.willWait(blocks: true)
                try ring.submit(waitingFor: 1, timeout: expiry)
                count = ring.reap()
                counters.didWait(readyCount: count)
                if count == 0 { continue }
            } else {
                counters.events.increment(by: UInt64(count))
            }
            // Every completion of the pass is handled before a stop: one taken off the ring
            // and left unhandled would never come again.
            var stops = false
            for index in 0..<count where handle(ring.completion(index), isStopping: false) {
                stops = true
            }
            if stops {
                try shutDown()
                return
            }
            if sendsInFlight == 0 {
                commitWaiting()
                if path.hasPending { try queueRound() }
            }
            if !isWakerArmed { armWaker() }
            // Re-armed after ENOBUFS only with a buffer free: every one not waiting is.
            if waiting.count < bufferCount {
                if !isProducerReceiveArmed { armProducerReceive() }
                if !isConsumerReceiveArmed { armConsumerReceive() }
            }
            if ring.queuedCount > 0 {
                // The pass's sends (and re-arms), in one io_uring_enter, without waiting.
                counters.syscalls.increment()
                try ring.submit()
            }
        }
    }

    /// Handles one completion.
    /// - Returns: `true` when it was the waker's and the loop is to stop (never while stopping).
    private func handle(_ completion: IOUring.Completion, isStopping: Bool) -> Bool {
        switch completion.userData & Request.kindMask {
        case Request.producers:
            isProducerReceiveArmed = completion.hasMore
            produced(completion)
        case Request.consumers:
            isConsumerReceiveArmed = completion.hasMore
            fromConsumer(completion)
        case Request.send: sent(completion)
        case Request.waker:
            isWakerArmed = completion.hasMore
            return !isStopping && control.consumeWake(counting: counters)
        default: break
        }
        return false
    }

    /// A producer's datagram arrived (or the multishot receive ended): into the relay's ring, or
    /// kept in its buffer while it would overwrite a slot the round still sends from.
    private func produced(_ completion: IOUring.Completion) {
        guard completion.result >= 0, completion.bufferID != nil else {
            received(nothing: completion)
            return
        }
        let slotCount = UInt64(path.slotCount)
        if !waiting.isEmpty || (sendsInFlight > 0 && path.nextSequence - oldestInFlight >= slotCount) {
            waiting.append(completion)
            return
        }
        commit(completion)
    }

    /// Copies a producer's datagram into the relay's ring and gives its buffer back.
    private func commit(_ completion: IOUring.Completion) {
        guard let message = ring.message(of: completion), let source = message.source else {
            received(nothing: completion)
            return
        }
        path.commitProduced(
            copying: UnsafeRawBufferPointer(message.payload),
            wireLength: message.wireLength,
            from: source
        )
        ring.recycleBuffer(message.bufferID)
    }

    /// Commits the producers' datagrams that waited for the round, in the order they came.
    private func commitWaiting() {
        for completion in waiting { commit(completion) }
        waiting.removeAll(keepingCapacity: true)
    }

    /// A consumer's datagram arrived (or the multishot receive ended): a registration, a leave,
    /// or ignored; its buffer goes straight back.
    private func fromConsumer(_ completion: IOUring.Completion) {
        guard let message = ring.message(of: completion), let source = message.source else {
            received(nothing: completion)
            return
        }
        path.receivedFromConsumer(UnsafeRawBufferPointer(message.payload), wireLength: message.wireLength, from: source)
        ring.recycleBuffer(message.bufferID)
    }

    /// A receive completion without a datagram: out of buffers (the receive ended, re-armed
    /// when one is free), cancelled at a stop, or an error, counted and skipped.
    private func received(nothing completion: IOUring.Completion) {
        if !completion.isOutOfBuffers && !completion.isCancelled {
            counters.errors.increment()
            trace?("recvmsg: \(completion.error("recvmsg")?.reason ?? "malformed buffer"); ignoring.")
        }
        if let id = completion.bufferID { ring.recycleBuffer(id) }
    }

    /// Queues the next round of sends: one to each consumer owed a datagram, in turn.
    /// - Throws: a submit that cannot make room for a send (``IOUring/submitToMakeRoom()``).
    private func queueRound() throws(SystemError) {
        path.takeOwedRound(limit: roundLimit, into: &round)
        guard !round.isEmpty else { return }
        oldestInFlight = round.lazy.map(\.sequence).min() ?? path.nextSequence
        for (index, send) in round.enumerated() {
            let userData = Request.send | UInt64(index)
            while !ring.queueSend(
                send.bytes,
                to: send.consumer.address,
                header: index,
                on: path.consumerSocket,
                userData: userData
            ) {
                // The submission queue has room for a round and the re-arms, so it is full only
                // after a submit that drained nothing: one that fails again ends the loop.
                counters.syscalls.increment()
                try ring.submitToMakeRoom()
            }
            sendsInFlight += 1
        }
    }

    /// A send of the round completed: counted for its consumer.
    private func sent(_ completion: IOUring.Completion) {
        let index = Int(truncatingIfNeeded: completion.userData & ~Request.kindMask)
        guard index < round.count, sendsInFlight > 0 else { return }
        let result: Result<Int, SystemError> =
            completion.error("sendmsg").map { .failure($0) } ?? .success(Int(completion.result))
        path.completeSend(round[index], result: result)
        sendsInFlight -= 1
    }

    private func armProducerReceive() {
        isProducerReceiveArmed = ring.queueReceive(on: path.producerSocket, userData: Request.producers)
    }

    private func armConsumerReceive() {
        isConsumerReceiveArmed = ring.queueReceive(on: path.consumerSocket, userData: Request.consumers)
    }

    private func armWaker() {
        isWakerArmed = ring.queuePoll(control.waker.eventFD, userData: Request.waker)
    }

    /// Cancels the receives and the poll and waits for every request to finish, so that no
    /// request still holds a socket when the engine closes it (its port is free at once). What
    /// still comes is received as in the loop; what is owed is not sent.
    private func shutDown() throws(SystemError) {
        if isProducerReceiveArmed { _ = ring.queueCancel(Request.producers, userData: Request.cancel) }
        if isConsumerReceiveArmed { _ = ring.queueCancel(Request.consumers, userData: Request.cancel) }
        if isWakerArmed { _ = ring.queueCancel(Request.waker, userData: Request.cancel) }
        counters.syscalls.increment()
        try ring.submit()
        while isProducerReceiveArmed || isConsumerReceiveArmed || isWakerArmed || sendsInFlight > 0 {
            let count = ring.reap()
            if count == 0 {
                counters.syscalls.increment()
                try ring.submit(waitingFor: 1)
                continue
            }
            for index in 0..<count { _ = handle(ring.completion(index), isStopping: true) }
        }
        commitWaiting()
    }
}
