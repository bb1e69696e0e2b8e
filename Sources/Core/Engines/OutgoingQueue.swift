/// The bounded FIFO of datagrams waiting to be echoed: a ring of preallocated slots, so a
/// datagram is received straight into its slot and nothing is allocated per datagram.
struct OutgoingQueue: ~Copyable {
    /// One waiting datagram.
    private struct Slot {
        var length = 0
        var address = SocketAddress(loopbackPort: 0)
        var receivedAt: UInt64 = 0
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

    /// The free slot a receive should fill next.
    /// - Important: the queue must not be full.
    var tail: UnsafeMutableRawBufferPointer {
        precondition(!isFull)
        return buffer(of: (head + count) % capacity)
    }

    /// Appends the datagram just received into ``tail``.
    mutating func commitTail(length: Int, address: SocketAddress, receivedAt: UInt64) {
        precondition(!isFull)
        let index = (head + count) % capacity
        slots[index] = Slot(length: length, address: address, receivedAt: receivedAt)
        count += 1
    }

    /// The oldest datagram: its bytes, destination and receive time.
    /// - Important: the queue must not be empty.
    var front: (bytes: UnsafeRawBufferPointer, address: SocketAddress, receivedAt: UInt64) {
        precondition(!isEmpty)
        let slot = slots[head]
        return (UnsafeRawBufferPointer(rebasing: buffer(of: head)[..<slot.length]), slot.address, slot.receivedAt)
    }

    /// Removes the oldest datagram.
    mutating func removeFront() {
        precondition(!isEmpty)
        head = (head + 1) % capacity
        count -= 1
    }

    private func buffer(of index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: storage[(index * bufferSize)..<((index + 1) * bufferSize)])
    }
}
