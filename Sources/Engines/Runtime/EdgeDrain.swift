/// The drain loop every edge-triggered queue backend runs (`epoll-edge`, `reactor-edge`, `mmsg`):
/// an edge event comes once per change of readiness, so the loop receives and sends, one of each
/// per pass, until both would block, and only then waits; `--budget N` caps the datagrams read
/// per event, after which the wait only looks (zero timeout) and reading carries on.
///
/// This is the mechanism alone: each backend's file holds its own wait (epoll(7) or the
/// ``Reactor``) and its own interest changes, in view, between ``pass(_:)`` and
/// ``woke(readable:writable:)``.
struct EdgeDrain {
    /// Datagrams read per readiness event, 0 for no cap (`--budget`).
    let budget: Int
    /// The socket may have datagrams to read. Datagrams may have arrived before the
    /// registration, so the loop starts by reading, as the seed programs did.
    private(set) var canRead = true
    /// The socket may take a send.
    private(set) var canWrite = true
    private var received = 0

    init(budget: Int) {
        self.budget = budget
    }

    /// The next wait only looks (zero timeout): the budget ran out with the socket still readable.
    var isYielding: Bool { canRead }

    /// One pass: a receive (while readable and within the budget) and a send (while writable
    /// and something is queued).
    /// - Returns: `true` when either moved a datagram, so the loop goes on without waiting.
    mutating func pass(_ path: EchoPath) -> Bool {
        var progressed = false
        if canRead && (budget == 0 || received < budget) {
            switch path.receive() {
            case .processed:
                progressed = true
                received += 1
            case .wouldBlock:
                canRead = false
            }
        }
        if canWrite && !path.isQueueEmpty {
            switch path.send() {
            case .processed: progressed = true
            case .wouldBlock: canWrite = false
            }
        }
        return progressed
    }

    /// ``pass(_:)`` with `recvmmsg`/`sendmmsg`: up to the rest of the budget per receive, the
    /// whole queue per send.
    mutating func passBatch(_ path: EchoPath) -> Bool {
        var progressed = false
        if canRead && (budget == 0 || received < budget) {
            switch path.receiveBatch(limit: budget == 0 ? Int.max : budget - received) {
            case .processed(let batch):
                progressed = true
                received += batch.received
                canRead = !batch.isDrained
            case .wouldBlock:
                canRead = false
            }
        }
        if canWrite && !path.isQueueEmpty {
            switch path.sendBatch() {
            case .processed: progressed = true
            case .wouldBlock: canWrite = false
            }
        }
        return progressed
    }

    /// After a wait: a new event budget, and what the wait reported for the socket.
    mutating func woke(readable: Bool, writable: Bool) {
        received = 0
        canRead = canRead || readable
        canWrite = canWrite || writable
    }
}
