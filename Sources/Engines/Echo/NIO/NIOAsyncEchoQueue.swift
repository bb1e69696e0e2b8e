import DequeModule

/// The bounded queue between ``NIOAsyncEcho``'s reader task and writer task: `capacity` slots,
/// one waiting task per side.
///
/// Both tasks run on the same thread (SwiftNIO's event loop), so the queue takes no lock and is
/// not `Sendable`: ``NIOAsyncEcho`` keeps it bound to that loop. A full queue makes the reader
/// wait (backpressure: nothing is dropped); an empty one makes the writer wait. ``finish()``,
/// called by either side when it ends, releases the other. Appending and taking are synchronous,
/// so a datagram that finds room costs no suspension and no async call.
final class NIOAsyncEchoQueue<Element> {
    /// The most elements the queue holds.
    let capacity: Int
    private var elements: Deque<Element>
    /// The reader, waiting for a free slot.
    private var waitingForRoom: UnsafeContinuation<Void, Never>?
    /// The writer, waiting for an element.
    private var waitingForElements: UnsafeContinuation<Void, Never>?
    private var isFinished = false

    init(capacity: Int) {
        // Internal invariant: the capacity is `--queue`, validated 1–4096.
        precondition(capacity > 0)
        self.capacity = capacity
        elements = Deque(minimumCapacity: capacity)
    }

    /// Elements waiting.
    var count: Int { elements.count }

    /// `true` when every slot is taken.
    var isFull: Bool { elements.count == capacity }

    /// Waits while the queue is full.
    /// - Returns: `false` when the queue was finished instead.
    func waitForRoom() async -> Bool {
        while isFull && !isFinished {
            await withUnsafeContinuation { waitingForRoom = $0 }
        }
        return !isFinished
    }

    /// Appends `element`, and wakes the writer if it waits.
    /// - Important: the queue must not be full.
    func append(_ element: Element) {
        // Internal invariant: the reader waits for room (`waitForRoom`) before it appends.
        precondition(!isFull)
        elements.append(element)
        waitingForElements.take()?.resume()
    }

    /// Waits while the queue is empty.
    /// - Returns: `false` when the queue is finished and empty.
    func waitForElements() async -> Bool {
        while elements.isEmpty && !isFinished {
            await withUnsafeContinuation { waitingForElements = $0 }
        }
        return !elements.isEmpty
    }

    /// Moves every waiting element, oldest first, to the end of `batch`, and wakes the reader if
    /// it waits.
    func takeAll(into batch: inout [Element]) {
        while let element = elements.popFirst() {
            batch.append(element)
        }
        waitingForRoom.take()?.resume()
    }

    /// Ends the queue: ``waitForRoom()`` returns `false` from now on, and ``waitForElements()``
    /// once the queue is empty.
    func finish() {
        isFinished = true
        waitingForRoom.take()?.resume()
        waitingForElements.take()?.resume()
    }
}
