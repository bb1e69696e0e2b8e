import Histogram
import UDPLabOS

/// Sends requests to an echo server and times the replies: the engine of `udplabctl bench`,
/// callable without the command line.
///
/// One thread does everything and never blocks or sleeps. Each turn it sends what is due (in
/// `rate` mode every request whose planned time has come, at most ``sendBudget`` at once; in the
/// closed-loop modes until the window is full), then takes whatever replies are queued on each
/// source socket without waiting, then gives up on requests older than the reply timeout. So a
/// slow reply never delays a send, and a closed-loop window refills as soon as a reply is read.
///
/// The run is a warm-up (sent, answered, not recorded), then the recorded duration, then a drain:
/// no more sends, replies still read until every request is answered or has timed out. Replies
/// after the drain are never read.
struct LoadGenerator: ~Copyable {
    /// How often the progress callback is called, in nanoseconds.
    static let progressInterval: UInt64 = 100_000_000
    /// The most requests sent in one turn before replies are read.
    static let sendBudget = 64
    /// The most datagrams read from one socket in one turn before the next socket's turn.
    static let receiveBudget = 64
    /// Round trips above this (an hour, in nanoseconds) are recorded as this.
    static let highestLatency: UInt64 = 3_600_000_000_000

    /// Coalesced replies read per receive with `--gso`.
    static let offloadBatch = 8

    private let configuration: BenchConfiguration
    private let sockets: [SourceSocket]
    /// The request being sent (with `--gso`, the train of them); only their headers, sequence
    /// numbers and timestamps change.
    private let request: UnsafeMutableRawBufferPointer
    /// Where replies are received; a longer datagram is cut short and counted as invalid.
    private let reply: UnsafeMutableRawBufferPointer
    /// With `--gso`: `recvmmsg` of coalesced replies (`UDP_GRO`), into ``offloadBuffers``.
    private let offloadBatch: MessageBatch?
    private let offloadBuffers: UnsafeMutableRawBufferPointer
    private var ledger = RequestLedger()
    private var histogram = Histogram<UInt64>(highestTrackableValue: LoadGenerator.highestLatency)
    private var isMeasuring = false
    private var received = 0
    private var late = 0
    private var duplicates = 0
    private var invalid = 0
    private var errors = 0

    /// Opens the source sockets and allocates everything the run needs, so that the run itself
    /// allocates nothing.
    ///
    /// - Parameter configuration: the run's options.
    /// - Throws: ``BenchError/socket(_:)`` when a source socket cannot be opened.
    init(_ configuration: BenchConfiguration) throws(BenchError) {
        var sockets: [SourceSocket] = []
        for _ in 0..<configuration.sockets {
            let source = try SourceSocket(reaching: configuration.target)
            if configuration.train > 1 {
                do {
                    try source.socket.enableReceiveOffload()
                } catch {
                    throw .socket(error)
                }
            }
            sockets.append(source)
        }
        self.configuration = configuration
        self.sockets = sockets
        request = .allocate(byteCount: configuration.size * configuration.train, alignment: 8)
        request.initializeMemory(as: UInt8.self, repeating: 0)
        reply = .allocate(byteCount: configuration.size, alignment: 8)
        let batched = configuration.train > 1 ? Self.offloadBatch : 0
        offloadBuffers = .allocate(byteCount: max(batched * UDPSocket.offloadBufferSize, 1), alignment: 8)
        if batched > 0 {
            let batch = MessageBatch(capacity: batched, controlMessages: true)
            for index in 0..<batched {
                let start = index * UDPSocket.offloadBufferSize
                batch.prepareReceive(
                    index,
                    into: UnsafeMutableRawBufferPointer(
                        rebasing: offloadBuffers[start..<(start + UDPSocket.offloadBufferSize)]
                    )
                )
            }
            offloadBatch = batch
        } else {
            offloadBatch = nil
        }
    }

    deinit {
        request.deallocate()
        reply.deallocate()
        offloadBuffers.deallocate()
    }

    /// Runs the warm-up, the recorded duration and the drain, then reports.
    ///
    /// - Parameter progress: called on this thread every ``progressInterval`` while requests are
    ///   being sent; it should return quickly.
    /// - Returns: what the recorded part measured.
    consuming func run(progress: ((BenchProgress) -> Void)? = nil) -> BenchResult {
        recordingRun(progress: progress).result
    }

    /// ``run(progress:)``, with the round-trip histogram, so that threads' runs can be merged.
    consuming func recordingRun(
        progress: ((BenchProgress) -> Void)? = nil
    ) -> (result: BenchResult, histogram: Histogram<UInt64>) {
        let start = MonotonicClock.nanoseconds()
        let warmupEnd = start + configuration.warmup.nanoseconds
        let end = warmupEnd + configuration.duration.nanoseconds
        let timeout = configuration.replyTimeout.nanoseconds
        var schedule = configuration.mode.rateSchedule(start: start)
        var nextProgress = start
        var now = start
        while now < end {
            if let limit = configuration.mode.outstandingLimit {
                // A ping-pong with trains keeps one train outstanding.
                let window = limit == 1 ? configuration.train : limit
                sendWithinWindow(of: window, warmupEnd: warmupEnd, end: end)
            } else {
                sendScheduled(&schedule, now: now, warmupEnd: warmupEnd, end: end)
            }
            receiveReplies()
            now = MonotonicClock.nanoseconds()
            ledger.expire(sentBefore: now.subtractingClamped(timeout))
            if let progress, now >= nextProgress {
                progress(snapshot(elapsed: now - start))
                nextProgress = now + Self.progressInterval
            }
        }
        let unsent = schedule?.unsent(from: warmupEnd, before: end) ?? 0
        while ledger.pendingCount > 0, now < end + timeout {
            receiveReplies()
            now = MonotonicClock.nanoseconds()
            ledger.expire(sentBefore: now.subtractingClamped(timeout))
        }
        ledger.expire(sentBefore: .max)
        let result = BenchResult(
            configuration: configuration,
            sent: ledger.measuredSent,
            received: received,
            lost: ledger.lost,
            late: late,
            duplicates: duplicates,
            invalid: invalid,
            unsent: unsent,
            errors: errors,
            latency: LatencySummary(histogram)
        )
        return (result, histogram)
    }

    // MARK: - Sending

    /// Closed loop: sends requests, each stamped with its actual send time, until `limit` are in
    /// flight, the send buffer is full or ``sendBudget`` have gone.
    private mutating func sendWithinWindow(of limit: Int, warmupEnd: UInt64, end: UInt64) {
        var budget = Self.sendBudget
        while ledger.pendingCount + configuration.train <= limit, budget > 0 {
            let now = MonotonicClock.nanoseconds()
            guard now < end else { return }
            if !isMeasuring, now >= warmupEnd { startMeasuring() }
            guard send(timestamp: now) else { return }
            budget -= 1
        }
    }

    /// Open loop: sends every request whose planned time has come (at most ``sendBudget``),
    /// each stamped with its planned time, so that time spent behind schedule counts as latency.
    private mutating func sendScheduled(_ schedule: inout RateSchedule?, now: UInt64, warmupEnd: UInt64, end: UInt64) {
        guard var plan = schedule else { return }
        defer { schedule = plan }
        for _ in 0..<Self.sendBudget {
            let planned = plan.nextTime
            guard planned <= now, planned < end else { return }
            if !isMeasuring, planned >= warmupEnd { startMeasuring() }
            // Would-block keeps the request due at the same planned time for the next turn.
            guard send(timestamp: planned) else { return }
            plan.advance()
        }
    }

    /// Sends the next request from the socket its sequence number picks, round robin.
    ///
    /// - Parameter timestamp: what its latency is measured from.
    /// - Returns: `false` when the send buffer is full and nothing was sent; `true` when the
    ///   request went out, or failed with an error (counted, and the request skipped).
    private mutating func send(timestamp: UInt64) -> Bool {
        guard configuration.train == 1 else { return sendTrain(timestamp: timestamp) }
        let sequence = ledger.nextSequence
        configuration.payload.writeRequest(sequence: sequence, timestamp: timestamp, into: request)
        let source = sockets[Int(sequence % UInt64(sockets.count))]
        do {
            guard case .processed = try source.socket.send(UnsafeRawBufferPointer(request), to: configuration.target)
            else { return false }
            ledger.recordSend(at: timestamp)
        } catch {
            errors += 1
        }
        return true
    }

    /// `--gso N`: the next N requests, back to back, in one `UDP_SEGMENT` send from the socket
    /// the first one's sequence number picks; each is a datagram of its own on the wire.
    private mutating func sendTrain(timestamp: UInt64) -> Bool {
        let first = ledger.nextSequence
        let size = configuration.size
        for index in 0..<configuration.train {
            let slot = UnsafeMutableRawBufferPointer(rebasing: request[(index * size)..<((index + 1) * size)])
            configuration.payload.writeRequest(sequence: first + UInt64(index), timestamp: timestamp, into: slot)
        }
        let source = sockets[Int(first % UInt64(sockets.count))]
        do {
            guard
                case .processed = try source.socket.send(
                    UnsafeRawBufferPointer(request),
                    segmentSize: size,
                    to: configuration.target
                )
            else { return false }
            for _ in 0..<configuration.train { ledger.recordSend(at: timestamp) }
        } catch {
            errors += configuration.train
        }
        return true
    }

    private mutating func startMeasuring() {
        ledger.startMeasuring()
        isMeasuring = true
    }

    // MARK: - Receiving

    /// Reads and classifies every queued reply, up to ``receiveBudget`` per socket.
    private mutating func receiveReplies() {
        if let offloadBatch {
            receiveCoalescedReplies(offloadBatch)
            return
        }
        for source in sockets {
            for _ in 0..<Self.receiveBudget {
                let datagram: ReceivedDatagram
                do {
                    guard case .processed(let received) = try source.socket.receive(into: reply) else { break }
                    datagram = received
                } catch {
                    errors += 1
                    break
                }
                classify(datagram, at: MonotonicClock.nanoseconds())
            }
        }
    }

    /// `--gso`: reads coalesced replies (`UDP_GRO`), up to ``offloadBatch`` buffers per
    /// `recvmmsg` and ``receiveBudget`` datagrams per socket, and classifies each segment.
    private mutating func receiveCoalescedReplies(_ batch: MessageBatch) {
        for source in sockets {
            var taken = 0
            while taken < Self.receiveBudget {
                let count: Int
                do {
                    guard
                        case .processed(let received) = try batch.receive(from: source.socket, count: Self.offloadBatch)
                    else { break }
                    count = received
                } catch {
                    errors += 1
                    break
                }
                let now = MonotonicClock.nanoseconds()
                for index in 0..<count {
                    let datagram = batch.datagram(at: index)
                    let start = index * UDPSocket.offloadBufferSize
                    let bytes = UnsafeRawBufferPointer(rebasing: offloadBuffers[start..<(start + datagram.byteCount)])
                    // Without a UDP_GRO message the buffer is one datagram.
                    let segment = batch.segmentSize(at: index) ?? max(datagram.byteCount, 1)
                    var offset = 0
                    repeat {
                        let length = min(segment, bytes.count - offset)
                        classify(
                            UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]),
                            wireLength: length,
                            at: now
                        )
                        offset += length
                        taken += 1
                    } while offset < bytes.count
                }
                if count < Self.offloadBatch { break }
            }
        }
    }

    /// Counts one reply, and records its round trip if it is the first reply to a recorded request.
    private mutating func classify(_ datagram: ReceivedDatagram, at now: UInt64) {
        classify(
            UnsafeRawBufferPointer(rebasing: reply[..<datagram.byteCount]),
            wireLength: datagram.wireLength,
            at: now
        )
    }

    /// Counts one reply of `wireLength` bytes whose first bytes are `bytes`.
    private mutating func classify(_ bytes: UnsafeRawBufferPointer, wireLength: Int, at now: UInt64) {
        guard wireLength == configuration.size, let sequence = configuration.payload.sequence(ofReply: bytes)
        else {
            invalid += 1
            return
        }
        switch ledger.match(sequence) {
        case .measured(let sentAt):
            received += 1
            histogram.record(min(now.subtractingClamped(sentAt), Self.highestLatency))
        case .duplicate: duplicates += 1
        case .late: late += 1
        case .unknown: invalid += 1
        case .warmup: break
        }
    }

    /// The counts so far, for the progress line.
    private func snapshot(elapsed: UInt64) -> BenchProgress {
        BenchProgress(
            elapsed: .nanoseconds(Int64(elapsed)),
            warmup: configuration.warmup,
            duration: configuration.duration,
            sent: ledger.measuredSent,
            received: received,
            lost: ledger.lost
        )
    }
}

extension UInt64 {
    /// `self - other`, or 0 when `other` is larger.
    fileprivate func subtractingClamped(_ other: UInt64) -> UInt64 {
        self > other ? self - other : 0
    }
}
