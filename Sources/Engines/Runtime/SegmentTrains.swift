import UDPLabOS
import UDPLabProtocol

/// Backend gso's queue: `capacity` receive buffers of `bufferSize` bytes, each holding what one
/// `recvmmsg(2)` slot got (one datagram, or a GRO train of datagrams of one segment size, the
/// last perhaps shorter), and, once its replies are made, what is still to be sent back.
///
/// A train is sent from its first unsent segment: as one message with a segment size (GSO), or
/// segment by segment once the kernel refused GSO. ``prepareMessages(in:segmenting:)`` lays a
/// batch of such messages out, ``removeMessages(_:)`` moves past the ones the kernel sent.
/// Everything is allocated once, at start.
struct SegmentTrains {
    /// The most segments one UDP GSO send may carry (the kernel's `UDP_MAX_SEGMENTS`: 128 on
    /// current kernels, 64 on older ones), so the most a GRO buffer holds over loopback.
    static let maxSegmentsPerSend = 128

    /// One message laid out by ``prepareMessages(in:segmenting:)``.
    struct Message {
        /// Datagrams it carries.
        var segments: Int
        /// Sent with `UDP_SEGMENT`.
        var isSegmented: Bool
        /// The last datagram of a train sent datagram by datagram because GSO was refused.
        var endsFallbackTrain: Bool
        var address: SocketAddress
        /// Where its request arrived: what the reply is sent with.
        var packetInfo: PacketInfo
        /// Where sending resumes after it: a buffer and its next segment.
        var nextBuffer: Int
        var nextSegment: Int
    }

    private let bufferSize: Int
    private let storage: UnsafeMutableRawBufferPointer
    /// Per buffer: the reply bytes (answered segments, compacted), the segment size, how many
    /// segments were answered, and where they go.
    private let lengths: UnsafeMutableBufferPointer<Int>
    private let segmentSizes: UnsafeMutableBufferPointer<Int>
    private let answered: UnsafeMutableBufferPointer<Int>
    private let sources: UnsafeMutableBufferPointer<SocketAddress>
    /// Per buffer: where its datagrams arrived (``PacketInfo/none`` on the fast path).
    private let packetInfos: UnsafeMutableBufferPointer<PacketInfo>
    private let messages: UnsafeMutableBufferPointer<Message>
    /// Buffers filled by the last receive.
    private var count = 0
    /// The first buffer with something to send, and its first unsent segment.
    private var head = 0
    private var segment = 0
    /// When the buffers' datagrams arrived (one clock read per receive).
    private(set) var receivedAt: UInt64 = 0

    init(capacity: Int, bufferSize: Int, messageCapacity: Int) {
        self.bufferSize = bufferSize
        storage = .allocate(byteCount: capacity * bufferSize, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        lengths = .allocate(capacity: capacity)
        lengths.initialize(repeating: 0)
        segmentSizes = .allocate(capacity: capacity)
        segmentSizes.initialize(repeating: 0)
        answered = .allocate(capacity: capacity)
        answered.initialize(repeating: 0)
        let nowhere = SocketAddress(loopbackPort: 0)
        sources = .allocate(capacity: capacity)
        sources.initialize(repeating: nowhere)
        packetInfos = .allocate(capacity: capacity)
        packetInfos.initialize(repeating: .none)
        messages = .allocate(capacity: messageCapacity)
        messages.initialize(
            repeating: Message(
                segments: 0,
                isSegmented: false,
                endsFallbackTrain: false,
                address: nowhere,
                packetInfo: .none,
                nextBuffer: 0,
                nextSegment: 0
            )
        )
    }

    /// Frees the buffers; the engine calls it from its `deinit`.
    func deallocate() {
        storage.deallocate()
        lengths.deallocate()
        segmentSizes.deallocate()
        answered.deallocate()
        sources.deallocate()
        packetInfos.deallocate()
        messages.deallocate()
    }

    /// `true` when every reply was sent (or none was made): the buffers may take a receive.
    var isEmpty: Bool { head >= count }

    /// Receive buffer `index`.
    func buffer(_ index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: storage[(index * bufferSize)..<((index + 1) * bufferSize)])
    }

    /// What ``fill(_:datagram:segmentSize:limit:reply:)`` found in a buffer.
    struct Filled {
        /// Datagrams it held.
        var segments: Int
        /// Of those, the ones that get a reply.
        var answered: Int
        /// Their bytes, each datagram cut at `--buffer` (what an engine with `--buffer`-sized
        /// receive buffers would have received).
        var bytes: Int
        /// Datagrams longer than `--buffer`, cut short.
        var truncated: Int
    }

    /// The datagrams a buffer of `length` bytes holds: a train of `segmentSize` ones when the
    /// kernel gave a size (`UDP_GRO`), else one.
    static func segmentCount(length: Int, segmentSize: Int?) -> Int {
        // A zero-length datagram, or a size no smaller than the buffer, is one datagram.
        let size = min(segmentSize ?? length, length)
        return size == 0 ? 1 : (length + size - 1) / size
    }

    /// Takes what buffer `index` received: `datagram`, a train of `segmentSize` datagrams when
    /// the kernel gave one (`UDP_GRO`), one datagram otherwise. Cuts each datagram at `limit`
    /// bytes (`--buffer`, as every backend does), makes each one's reply in place (`--reply`),
    /// and moves the answered ones up over those that get none, in order, so that the buffer
    /// again holds a train of one segment size with only its last segment shorter. A `reply` of
    /// `nil` answers none (a denied source).
    mutating func fill(
        _ index: Int,
        datagram: ReceivedDatagram,
        segmentSize: Int?,
        limit: Int,
        reply: ReplyMode?
    ) -> Filled {
        let length = datagram.byteCount
        let size = min(segmentSize ?? length, length)
        let segments = Self.segmentCount(length: length, segmentSize: segmentSize)
        let keptSize = min(size, limit)
        var filled = Filled(segments: segments, answered: segments, bytes: length, truncated: 0)
        if reply != .echo || size > limit {
            // `nil`: the source is denied (``SourceGuard``): every segment is counted, none kept.
            let bytes = buffer(index)
            filled.answered = 0
            filled.bytes = 0
            var kept = 0
            for segment in 0..<segments {
                let start = segment * size
                let end = min(start + size, length)
                let cut = min(end, start + limit)
                if cut < end { filled.truncated += 1 }
                filled.bytes += cut - start
                let piece = UnsafeMutableRawBufferPointer(rebasing: bytes[start..<cut])
                guard let reply, reply.makeReply(in: piece) else { continue }
                if kept != start {
                    UnsafeMutableRawBufferPointer(rebasing: bytes[kept..<(kept + cut - start)])
                        .copyMemory(from: UnsafeRawBufferPointer(piece))
                }
                kept += cut - start
                filled.answered += 1
            }
            lengths[index] = kept
        } else {
            lengths[index] = length
        }
        segmentSizes[index] = keptSize
        answered[index] = filled.answered
        sources[index] = datagram.source
        packetInfos[index] = datagram.packetInfo
        return filled
    }

    /// Starts sending the first `count` buffers, filled since the last receive.
    mutating func commit(count: Int, receivedAt: UInt64) {
        self.count = count
        self.receivedAt = receivedAt
        head = 0
        segment = 0
        skipUnanswered()
    }

    /// Lays out up to `batch.capacity` messages from the first unsent segment on: each train as
    /// one message with its segment size when `segmenting` and more than one segment is left,
    /// otherwise one message per datagram.
    ///
    /// - Returns: how many messages were laid out (0 when nothing is left to send).
    func prepareMessages(in batch: MessageBatch, segmenting: Bool) -> Int {
        var laidOut = 0
        var buffer = head
        var next = segment
        while laidOut < batch.capacity && buffer < count {
            let size = segmentSizes[buffer]
            let total = answered[buffer]
            let left = total - next
            let start = next * size
            let bytes = self.buffer(buffer)
            var message = messages[laidOut]
            message.address = sources[buffer]
            message.packetInfo = packetInfos[buffer]
            if segmenting && left > 1 {
                let train = UnsafeRawBufferPointer(rebasing: bytes[start..<lengths[buffer]])
                batch.prepareSend(
                    laidOut,
                    train,
                    to: sources[buffer],
                    segmentSize: size,
                    packetInfo: packetInfos[buffer]
                )
                message.segments = left
                message.isSegmented = true
                message.endsFallbackTrain = false
                next = total
            } else {
                let end = min(start + size, lengths[buffer])
                batch.prepareSend(
                    laidOut,
                    UnsafeRawBufferPointer(rebasing: bytes[start..<end]),
                    to: sources[buffer],
                    packetInfo: packetInfos[buffer]
                )
                message.segments = 1
                message.isSegmented = false
                message.endsFallbackTrain = !segmenting && total > 1 && next + 1 == total
                next += 1
            }
            if next == total {
                buffer += 1
                next = 0
                while buffer < count && answered[buffer] == 0 { buffer += 1 }
            }
            message.nextBuffer = buffer
            message.nextSegment = next
            messages[laidOut] = message
            laidOut += 1
        }
        return laidOut
    }

    /// Message `index` of the last ``prepareMessages(in:segmenting:)``.
    func message(_ index: Int) -> Message { messages[index] }

    /// Moves past the first `sent` messages of the last ``prepareMessages(in:segmenting:)``.
    mutating func removeMessages(_ sent: Int) {
        guard sent > 0 else { return }
        head = messages[sent - 1].nextBuffer
        segment = messages[sent - 1].nextSegment
    }

    /// Moves ``head`` past the buffers whose datagrams all went unanswered.
    private mutating func skipUnanswered() {
        while head < count && answered[head] == 0 { head += 1 }
    }
}
