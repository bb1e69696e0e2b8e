import UDPLabOS
import UDPLabProtocol

/// What every relay backend shares: the producer socket (`--bind`), the consumer socket
/// (`--consumer-bind`), the datagrams still owed to consumers and the consumer table.
///
/// Produced datagrams are stored once, in a ring of `--queue` slots; each consumer has a cursor
/// into it, so its queue is the datagrams from its cursor to the newest. A consumer whose cursor
/// is a whole ring behind when a new datagram comes loses its oldest (counted in its `dropped`),
/// and the others keep theirs: a consumer that falls behind costs only itself. Sends go round
/// robin, one datagram per consumer in turn, so a send that would block delays every consumer
/// alike, and none for longer than a turn.
///
/// Loss the relay cannot see is not counted here: UDP tells a sender nothing when a consumer's
/// own receive buffer overflows (its kernel counts that), or when it has gone away.
///
/// The backends differ only in when they call ``receiveProduced()``, ``receiveFromConsumer()``
/// and ``send()``; backend mmsg calls their batched forms.
public final class RelayPath {
    /// Where producers send.
    public let producerSocket: UDPSocket
    /// Where consumers register, and where their datagrams come from.
    public let consumerSocket: UDPSocket
    private let counters: EngineCounters
    private let trace: TraceSink?
    /// The registered consumers, published for readers on other threads.
    let consumers: RelayConsumers
    /// Datagrams received per socket: producers' (0) and consumers' (1).
    private let sockets: SocketCounters

    /// The ring of produced datagrams: `capacity` slots of `bufferSize` bytes.
    private let ring: UnsafeMutableRawBufferPointer
    private var lengths: [Int]
    private let capacity: Int
    private let bufferSize: Int
    /// The sequence number the next produced datagram gets; slot `sequence % capacity`.
    private var produced: UInt64 = 0
    /// Where consumers' datagrams are read: `--buffer` bytes, as producers' are.
    private let registration: UnsafeMutableRawBufferPointer
    /// Datagrams owed in all: the sum over consumers of what waits for each.
    private var owedCount = 0

    private var table: [Entry] = []
    /// The table entry whose turn it is to be sent to.
    private var turn = 0
    private let maxConsumers: Int
    private let timeout: UInt64?

    /// A consumer's place in the table.
    private struct Entry {
        let consumer: RelayConsumer
        /// The sequence number of the next datagram it is owed.
        var cursor: UInt64
        /// When it last registered, in ``MonotonicClock`` nanoseconds.
        var heardAt: UInt64
    }

    /// Headers for batched receives and sends (backend mmsg), or `nil`.
    private let receiving: MessageBatch?
    private let sending: MessageBatch?
    /// The table entries of the last batch sent, in message order.
    private var sendingEntries: [Int] = []

    /// Whether the path moves batches: backend mmsg.
    var isBatched: Bool { receiving != nil }

    /// - Parameters:
    ///   - producerSocket: the bound `--bind` socket, now owned by the path.
    ///   - consumerSocket: the bound `--consumer-bind` socket, now owned by the path.
    ///   - spec: the queue, buffer, consumer limit and timeout come from here.
    ///   - batchCapacity: datagrams per `recvmmsg`/`sendmmsg` (backend mmsg), or `nil`.
    public init(
        producerSocket: consuming UDPSocket,
        consumerSocket: consuming UDPSocket,
        spec: EngineSpec,
        counters: EngineCounters,
        consumers: RelayConsumers,
        sockets: SocketCounters,
        trace: TraceSink?,
        batchCapacity: Int? = nil
    ) {
        self.sockets = sockets
        self.producerSocket = producerSocket
        self.consumerSocket = consumerSocket
        self.counters = counters
        self.consumers = consumers
        self.trace = trace
        capacity = spec.queueCapacity
        bufferSize = spec.bufferSize
        ring = .allocate(byteCount: capacity * bufferSize, alignment: 16)
        lengths = [Int](repeating: 0, count: capacity)
        registration = .allocate(byteCount: spec.bufferSize, alignment: 16)
        maxConsumers = spec.effectiveMaxConsumers
        timeout = spec.effectiveConsumerTimeout.map { UInt64(clamping: $0.nanoseconds) }
        receiving = batchCapacity.map { MessageBatch(capacity: $0) }
        sending = batchCapacity.map { MessageBatch(capacity: $0) }
    }

    deinit {
        ring.deallocate()
        registration.deallocate()
    }

    /// `true` when some consumer is owed a datagram.
    var hasPending: Bool { owedCount > 0 }

    private func slot(_ sequence: UInt64) -> UnsafeMutableRawBufferPointer {
        let start = Int(sequence % UInt64(capacity)) * bufferSize
        return UnsafeMutableRawBufferPointer(rebasing: ring[start..<(start + bufferSize)])
    }

    /// Produced datagram `sequence`, as it lies in its slot.
    private func datagram(_ sequence: UInt64) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: slot(sequence)[..<lengths[Int(sequence % UInt64(capacity))]])
    }

    /// Counts a datagram of `byteCount` bytes sent to `consumer`.
    private func countRelayed(to consumer: RelayConsumer, byteCount: Int) {
        counters.txDatagrams.increment()
        counters.txBytes.increment(by: UInt64(byteCount))
        consumer.relayed.increment()
        trace?("sent \(byteCount) bytes to \(consumer.address.unmappingIPv4).")
    }

    /// Counts a datagram `consumer` lost in the relay: its queue was full, or the send failed.
    private func countLost(by consumer: RelayConsumer) {
        consumer.dropped.increment()
        counters.dropped.increment()
    }

    // MARK: Producers

    /// Receives one produced datagram into the ring, owed from now on to every consumer.
    ///
    /// - Returns: `.wouldBlock` when none was queued in the kernel; `.processed` otherwise, also
    ///   after an error, which is counted and skipped.
    func receiveProduced() -> IOResult<Void> {
        let result = producerSocket.receive(into: slot(produced), counting: counters) { error in
            trace?("recvfrom: \(error.reason); ignoring.")
        }
        guard case .processed(let received) = result else { return .wouldBlock }
        if let datagram = received {
            sockets.countReceive(on: 0)
            commitProduced(datagram)
        }
        return .processed(())
    }

    /// Receives produced datagrams until the socket would block or `budget` came (0: no limit).
    ///
    /// - Returns: `true` when it stopped because the socket would block.
    func receiveProduced(budget: Int) -> Bool { repeatReceive(budget: budget, receiveProduced) }

    /// Receives consumers' datagrams until the socket would block or `budget` came (0: no limit).
    ///
    /// - Returns: `true` when it stopped because the socket would block.
    func receiveFromConsumers(budget: Int) -> Bool { repeatReceive(budget: budget, receiveFromConsumer) }

    /// Calls `receive` until it would block or `budget` datagrams came (0: no limit).
    private func repeatReceive(budget: Int, _ receive: () -> IOResult<Void>) -> Bool {
        var received = 0
        while budget == 0 || received < budget {
            guard case .processed = receive() else { return true }
            received += 1
        }
        return false
    }

    /// Sends what consumers are owed until the socket would block or none is owed.
    ///
    /// - Returns: `true` when it stopped because the socket would block.
    func sendOwed() -> Bool {
        while hasPending {
            if case .wouldBlock = isBatched ? sendBatch() : send() { return true }
        }
        return false
    }

    /// Receives up to `limit` produced datagrams with one `recvmmsg(2)`, into the ring slots
    /// from the next one to the ring's end.
    ///
    /// - Returns: `.wouldBlock` when none was queued; otherwise how many came and whether the
    ///   socket is drained (fewer than asked).
    func receiveProducedBatch(limit: Int) -> IOResult<(received: Int, isDrained: Bool)> {
        // Internal invariant: only a path built with a batch capacity is asked for batches.
        guard let batch = receiving else { return .wouldBlock }
        let toRingEnd = capacity - Int(produced % UInt64(capacity))
        let requested = max(1, min(limit, batch.capacity, toRingEnd))
        for index in 0..<requested {
            batch.prepareReceive(index, into: slot(produced + UInt64(index)))
        }
        counters.syscalls.increment()
        let count: Int
        do {
            guard case .processed(let received) = try batch.receive(from: producerSocket, count: requested) else {
                counters.recvWouldBlock.increment()
                return .wouldBlock
            }
            count = received
        } catch {
            counters.errors.increment()
            trace?("recvmmsg: \(error.reason); ignoring.")
            return .processed((0, false))
        }
        for index in 0..<count {
            let datagram = batch.datagram(at: index)
            sockets.countReceive(on: 0)
            counters.countReceived(byteCount: datagram.byteCount, isTruncated: datagram.isTruncated)
            commitProduced(datagram)
        }
        return .processed((count, count < requested))
    }

    /// Makes the datagram just received into slot `produced` owed to every consumer; a consumer
    /// a whole ring behind loses its oldest, which that slot held.
    private func commitProduced(_ datagram: ReceivedDatagram) {
        commitProduced(byteCount: datagram.byteCount, source: datagram.source)
    }

    /// Makes the `byteCount` bytes just received into slot `produced` owed to every consumer.
    private func commitProduced(byteCount: Int, source: SocketAddress) {
        if trace != nil {
            trace?("recv \(byteCount) bytes from \(source.unmappingIPv4).")
        }
        lengths[Int(produced % UInt64(capacity))] = byteCount
        // A consumer a whole ring behind loses its oldest, whose slot the datagram took; then
        // every consumer is owed it, one pass over the table.
        var highWater: UInt64 = 0
        for index in table.indices {
            if produced - table[index].cursor >= UInt64(capacity) {
                table[index].cursor += 1
                owedCount -= 1
                countLost(by: table[index].consumer)
                trace?(
                    "queue for consumer \(table[index].consumer.address.unmappingIPv4) full; dropping its oldest packet."
                )
            }
            let owed = produced + 1 - table[index].cursor
            table[index].consumer.queueHighWater.raise(to: owed)
            highWater = max(highWater, owed)
        }
        produced += 1
        owedCount += table.count
        counters.queueHighWater.raise(to: highWater)
    }

    // MARK: Consumers

    /// Receives one datagram from a consumer: `1` registers (or renews) it, `0` removes it,
    /// anything else is counted in `consumer_ignored`.
    ///
    /// - Returns: `.wouldBlock` when none was queued; `.processed` otherwise.
    func receiveFromConsumer() -> IOResult<Void> {
        let result = consumerSocket.receive(into: registration, counting: counters) { error in
            trace?("recvfrom: \(error.reason); ignoring.")
        }
        guard case .processed(let received) = result else { return .wouldBlock }
        guard let datagram = received else { return .processed(()) }
        consumerSent(firstByte: registration[0], wireLength: datagram.wireLength, from: datagram.source)
        return .processed(())
    }

    /// Acts on a consumer's datagram of `wireLength` bytes that starts with `firstByte` (any
    /// value when it is empty): only exactly `1` or `0` means anything.
    private func consumerSent(firstByte: UInt8, wireLength: Int, from source: SocketAddress) {
        sockets.countReceive(on: 1)
        switch wireLength == 1 ? firstByte : 0 {
        case UInt8(ascii: "1"): register(source)
        case UInt8(ascii: "0"): leave(source)
        default:
            counters.consumerIgnored.increment()
            trace?("ignoring \(wireLength) bytes from consumer \(source.unmappingIPv4).")
        }
    }

    private func register(_ source: SocketAddress) {
        let now = MonotonicClock.nanoseconds()
        if let index = table.firstIndex(where: { $0.consumer.address == source }) {
            table[index].heardAt = now
            trace?("consumer \(source.unmappingIPv4) registered again.")
            return
        }
        guard table.count < maxConsumers else {
            counters.consumersRefused.increment()
            trace?("consumer \(source.unmappingIPv4) refused: \(maxConsumers) consumers already.")
            return
        }
        table.append(Entry(consumer: RelayConsumer(address: source), cursor: produced, heardAt: now))
        publish()
        trace?("consumer \(source.unmappingIPv4) registered; \(table.count) consumers.")
    }

    private func leave(_ source: SocketAddress) {
        guard let index = table.firstIndex(where: { $0.consumer.address == source }) else {
            counters.consumerIgnored.increment()
            trace?("ignoring 0 from \(source.unmappingIPv4), not a consumer.")
            return
        }
        remove(at: index)
        trace?("consumer \(source.unmappingIPv4) left; \(table.count) consumers.")
    }

    private func remove(at index: Int) {
        owedCount -= Int(produced - table[index].cursor)
        table.remove(at: index)
        if turn > index { turn -= 1 }
        if turn >= table.count { turn = 0 }
        publish()
    }

    private func publish() {
        consumers.publish(table.map(\.consumer))
    }

    /// Forgets the consumers that have not registered for `--consumer-timeout`.
    ///
    /// - Returns: how long the loop may wait before the next one is due; `nil` when none can be
    ///   (no timeout, or no consumers).
    func expire() -> Duration? {
        guard let timeout, !table.isEmpty else { return nil }
        let now = MonotonicClock.nanoseconds()
        var index = 0
        var soonest = UInt64.max
        while index < table.count {
            let due = table[index].heardAt &+ timeout
            if due <= now {
                let address = table[index].consumer.address
                remove(at: index)
                counters.consumersExpired.increment()
                trace?("consumer \(address.unmappingIPv4) expired; \(table.count) consumers.")
            } else {
                soonest = min(soonest, due - now)
                index += 1
            }
        }
        // Rounded up to the millisecond, so the wait never ends just before the due time.
        return soonest == .max ? nil : .nanoseconds(Int64(clamping: soonest + 999_999))
    }

    // MARK: Sending

    /// Sends the next datagram owed, to the next consumer in turn that is owed one.
    ///
    /// - Returns: `.wouldBlock` when the consumer socket's buffer is full (the datagram stays
    ///   owed); `.processed` when it was sent, or failed with an error, which is counted and
    ///   the datagram dropped for that consumer.
    /// - Important: some consumer must be owed one (``hasPending``).
    func send() -> IOResult<Void> {
        guard let index = nextOwed() else { return .processed(()) }
        let entry = table[index]
        let bytes = datagram(entry.cursor)
        let address = entry.consumer.address
        counters.syscalls.increment()
        do {
            guard case .processed(let sent) = try consumerSocket.send(bytes, to: address) else {
                counters.sendWouldBlock.increment()
                return .wouldBlock
            }
            countRelayed(to: entry.consumer, byteCount: sent)
        } catch {
            counters.errors.increment()
            countLost(by: entry.consumer)
            trace?("sendto \(address.unmappingIPv4): \(error.reason); dropping packet.")
        }
        table[index].cursor += 1
        owedCount -= 1
        turn = index + 1 == table.count ? 0 : index + 1
        return .processed(())
    }

    /// The first entry from ``turn`` on, round the table, that is owed a datagram.
    private func nextOwed() -> Int? {
        let count = table.count
        for step in 0..<count {
            let index = (turn + step) % count
            if table[index].cursor < produced { return index }
        }
        return nil
    }

    /// Sends up to a batch of owed datagrams with one `sendmmsg(2)`, round robin: one to each
    /// consumer owed one in turn, then round again.
    ///
    /// - Returns: `.wouldBlock` when none could be sent (they stay owed); `.processed` when some
    ///   were, or the batch failed (counted; its datagrams dropped for their consumers).
    func sendBatch() -> IOResult<Void> {
        guard let batch = sending else { return .wouldBlock }
        sendingEntries.removeAll(keepingCapacity: true)
        // Where each consumer's next message of this batch comes from.
        var cursors = table.map(\.cursor)
        var index = turn
        var idleTurns = 0
        while sendingEntries.count < batch.capacity, idleTurns < table.count {
            if cursors[index] < produced {
                let sequence = cursors[index]
                let bytes = datagram(sequence)
                batch.prepareSend(sendingEntries.count, bytes, to: table[index].consumer.address)
                sendingEntries.append(index)
                cursors[index] += 1
                idleTurns = 0
            } else {
                idleTurns += 1
            }
            index = index + 1 == table.count ? 0 : index + 1
        }
        guard !sendingEntries.isEmpty else { return .processed(()) }
        counters.syscalls.increment()
        let sent: Int
        do {
            guard case .processed(let count) = try batch.send(on: consumerSocket, count: sendingEntries.count) else {
                counters.sendWouldBlock.increment()
                return .wouldBlock
            }
            sent = count
        } catch {
            // The first message failed: it is dropped for its consumer, the rest stay owed.
            counters.errors.increment()
            let failed = sendingEntries[0]
            countLost(by: table[failed].consumer)
            table[failed].cursor += 1
            owedCount -= 1
            trace?("sendmmsg \(table[failed].consumer.address.unmappingIPv4): \(error.reason); dropping packet.")
            turn = failed + 1 == table.count ? 0 : failed + 1
            return .processed(())
        }
        for message in 0..<sent {
            let entry = sendingEntries[message]
            countRelayed(to: table[entry].consumer, byteCount: batch.sentByteCount(at: message))
            table[entry].cursor += 1
            owedCount -= 1
        }
        if sent < sendingEntries.count {
            counters.sendWouldBlock.increment()
            turn = sendingEntries[sent]
        } else {
            turn = index
        }
        return .processed(())
    }

    // MARK: io_uring

    /// A send backend uring has queued (``takeOwedRound(limit:into:)``): its consumer's cursor
    /// has moved past the datagram, whose slot must stay as it is until the send completes
    /// (``completeSend(_:result:)`` counts it then).
    struct QueuedSend {
        let consumer: RelayConsumer
        /// The datagram's sequence number: produced datagram `sequence + slotCount` goes into
        /// the same slot.
        let sequence: UInt64
        /// The datagram, in its slot.
        let bytes: UnsafeRawBufferPointer
    }

    /// The sequence number the next produced datagram gets.
    var nextSequence: UInt64 { produced }

    /// Slots in the ring (`--queue`).
    var slotCount: Int { capacity }

    /// Stores a produced datagram received elsewhere (into an io_uring provided buffer) as the
    /// next one: copies it into its slot, counts it as ``receiveProduced()`` does, and makes it
    /// owed to every consumer.
    ///
    /// - Important: no queued send may still read that slot (sequence ``nextSequence`` minus
    ///   ``slotCount``).
    func commitProduced(copying payload: UnsafeRawBufferPointer, wireLength: Int, from source: SocketAddress) {
        let target = slot(produced)
        let byteCount = min(payload.count, target.count)
        if byteCount > 0 {
            target.copyMemory(from: UnsafeRawBufferPointer(rebasing: payload[..<byteCount]))
        }
        sockets.countReceive(on: 0)
        counters.countReceived(byteCount: byteCount, isTruncated: wireLength > byteCount)
        commitProduced(byteCount: byteCount, source: source)
    }

    /// Acts on a consumer's datagram received elsewhere (an io_uring provided buffer), counted
    /// as ``receiveFromConsumer()`` counts it: read into a buffer of `--buffer` bytes.
    func receivedFromConsumer(_ payload: UnsafeRawBufferPointer, wireLength: Int, from source: SocketAddress) {
        let byteCount = min(payload.count, registration.count)
        counters.countReceived(byteCount: byteCount, isTruncated: wireLength > byteCount)
        consumerSent(firstByte: payload.first ?? 0, wireLength: wireLength, from: source)
    }

    /// Takes the next datagram owed to each consumer in turn, round the table once from the one
    /// whose turn it is, up to `limit`: at most one per consumer, so that a consumer's datagrams
    /// are never in flight together and arrive in order. Each one's cursor moves past it.
    func takeOwedRound(limit: Int, into sends: inout [QueuedSend]) {
        sends.removeAll(keepingCapacity: true)
        let count = table.count
        var last: Int?
        var step = 0
        while step < count, sends.count < limit {
            let index = (turn + step) % count
            let sequence = table[index].cursor
            if sequence < produced {
                let bytes = datagram(sequence)
                sends.append(QueuedSend(consumer: table[index].consumer, sequence: sequence, bytes: bytes))
                table[index].cursor += 1
                owedCount -= 1
                last = index
            }
            step += 1
        }
        if let last { turn = last + 1 == count ? 0 : last + 1 }
    }

    /// Counts a queued send's completion: the bytes sent, or the error (the datagram dropped
    /// for its consumer), as ``send()`` counts its own.
    func completeSend(_ send: QueuedSend, result: Result<Int, SystemError>) {
        switch result {
        case .success(let sent):
            countRelayed(to: send.consumer, byteCount: sent)
        case .failure(let error):
            counters.errors.increment()
            countLost(by: send.consumer)
            trace?("sendmsg \(send.consumer.address.unmappingIPv4): \(error.reason); dropping packet.")
        }
    }
}
