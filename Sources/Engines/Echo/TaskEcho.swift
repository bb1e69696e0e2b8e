import UDPLabOS

/// Backend `task`, after the seed's echo-tokio: one future on udplab's ``ReactorExecutor`` that sends
/// and receives until both would block, as its main task.
///
/// The socket is registered once, edge-triggered for reading (for writing too only while a send
/// is blocked, as on the other edge backends); a ``ReadinessCache`` answers "would block" without
/// a syscall until the reactor reports readiness again. Each
/// datagram's event notifies the task, which becomes user-space readiness and so a second
/// reactor turn: two wakeups per datagram, the price of the task layer (tokio-core's too).
public final class TaskEcho: EngineLoop {
    private let executor: ReactorExecutor

    public init(path: EchoPath, control: LoopControl, counters: EngineCounters) throws(SystemError) {
        executor = try ReactorExecutor(counters: counters, control: control)
        let cache = try executor.register(path.socket)
        executor.spawn(EchoServerFuture(path: path, cache: cache, executor: executor, counters: counters))
    }

    public func run() throws(SystemError) {
        _ = try executor.run()
    }
}

/// The echo-tokio `UdpServer` future: send the front of the queue, then receive, until both would
/// block. A blocked send keeps its datagram at the front.
private final class EchoServerFuture: TaskFuture {
    private let path: EchoPath
    private let cache: ReadinessCache
    private unowned let executor: ReactorExecutor
    private let counters: EngineCounters

    init(path: EchoPath, cache: ReadinessCache, executor: ReactorExecutor, counters: EngineCounters) {
        self.path = path
        self.cache = cache
        self.executor = executor
        self.counters = counters
    }

    func poll(_ context: TaskContext) -> PollResult {
        counters.futurePolls.increment()
        var canRead = true
        var canWrite = true
        while canRead || canWrite {
            if path.isQueueEmpty {
                canWrite = false
            } else if !cache.isWritable || !sent() {
                cache.awaitWritable(context)
                canWrite = false
            }
            if cache.isReadable, received() {
                canWrite = !path.isQueueEmpty
            } else {
                cache.awaitReadable(context)
                canRead = false
            }
        }
        return .pending
    }

    /// Sends the front datagram; `false` when the socket would block (the writable edge is then
    /// watched, as the other edge backends do).
    private func sent() -> Bool {
        if case .processed = path.send() { return true }
        // A failed re-arm leaves the datagram queued until the next readable event; it is counted.
        if (try? executor.watchWrites(of: path.socket, cache)) == nil { counters.errors.increment() }
        return false
    }

    /// Receives one datagram; `false` when the socket would block.
    private func received() -> Bool {
        if case .processed = path.receive() { return true }
        return false
    }
}
