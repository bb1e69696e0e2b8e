import UDPLabOS

/// The bounded FIFO of datagrams waiting to be echoed: a ring of preallocated slots, so a
/// datagram is received straight into its slot and nothing is allocated per datagram.
///
/// Its preconditions are internal invariants: ``EchoPath``, its one user, checks `isFull`,
/// `freeCount` and `count` before each call, and capacity and slot size are `--queue` and
/// `--buffer`, validated before anything is built. No datagram decides an index.
struct OutgoingQueue: ~Copyable {
    /// One waiting datagram.
    private struct Slot {
        var length = 0
        var address = SocketAddress(loopbackPort: 0)
        var receivedAt: UInt64 = 0
        /// Where it arrived and how it was marked: what the echo is sent with.
        var packetInfo = PacketInfo.none
    }

    /// The most datagrams the queue holds (exactly: `--queue 8` holds 8).
    let capacity: Int
    /// Bytes per slot.
    let bufferSize: Int
    private let storage: UnsafeMutableRawBufferPointer
    private var slots: [Slot]
    private var head = 0
    /// Datagrams waiting.
    private(set) var count = 0

    init(capacity: Int, bufferSize: Int) {
        self.capacity = capacity
        self.bufferSize = bufferSize
        storage = .allocate(byteCount: capacity * bufferSize, alignment: 16)
        slots = Array(repeating: Slot(), count: capacity)
    }

    deinit { storage.deallocate() }

    var isEmpty: Bool { count == 0 }
    var isFull: Bool { count == capacity }
    /// Slots a receive can still fill.
    var freeCount: Int { capacity - count }

    /// The free slot a receive should fill next.
    /// - Important: the queue must not be full.
    var tail: UnsafeMutableRawBufferPointer {
        precondition(!isFull)
        return buffer(of: wrapped(head + count))
    }

    /// The free slot `offset` places after ``tail``, for a batch receive that fills several slots
    /// at once and commits them in order.
    /// - Important: `offset` must be less than ``freeCount``.
    func freeSlot(_ offset: Int) -> UnsafeMutableRawBufferPointer {
        precondition(offset < freeCount)
        return buffer(of: wrapped(head + count + offset))
    }

    /// Appends the datagram just received into ``tail``.
    mutating func commitTail(length: Int, address: SocketAddress, receivedAt: UInt64, packetInfo: PacketInfo) {
        precondition(!isFull)
        let index = wrapped(head + count)
        slots[index] = Slot(length: length, address: address, receivedAt: receivedAt, packetInfo: packetInfo)
        count += 1
    }

    /// The oldest datagram: its bytes (mutable, so the reply can be made in place), destination,
    /// receive time and packet info.
    /// - Important: the queue must not be empty.
    var front: Entry { self[0] }

    /// A waiting datagram, as ``front`` and the subscript give it.
    typealias Entry = (
        bytes: UnsafeMutableRawBufferPointer, address: SocketAddress, receivedAt: UInt64, packetInfo: PacketInfo
    )

    /// The datagram `offset` places behind the oldest, for a batch send.
    /// - Important: `offset` must be less than ``count``.
    subscript(offset: Int) -> Entry {
        precondition(offset < count)
        let index = wrapped(head + offset)
        let slot = slots[index]
        return (
            UnsafeMutableRawBufferPointer(rebasing: buffer(of: index)[..<slot.length]), slot.address, slot.receivedAt,
            slot.packetInfo
        )
    }

    /// Removes the `removed` oldest datagrams (default one).
    mutating func removeFront(_ removed: Int = 1) {
        precondition(removed <= count)
        head = wrapped(head + removed)
        count -= removed
    }

    /// `position` (less than twice the capacity: a slot index plus at most a queue's length)
    /// taken round the ring, without a division.
    @inline(__always)
    private func wrapped(_ position: Int) -> Int {
        position >= capacity ? position - capacity : position
    }

    private func buffer(of index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: storage[(index * bufferSize)..<((index + 1) * bufferSize)])
    }
}
