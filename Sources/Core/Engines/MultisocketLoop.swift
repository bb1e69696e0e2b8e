/// Kind `multisocket`, after the seed's tokio-multisocket-join / -spawn / -futuresunordered:
/// `--count` sockets, each drained by its own future, never echoed. The strategy decides how the
/// futures are driven, which is the lesson: notifications are per task, not per future.
final class MultisocketLoop: EngineLoop {
    private let executor: ReactorExecutor

    /// - Parameters:
    ///   - drains: one future per socket, already registered with `executor`.
    ///   - strategy: `join`, `spawn` or `unordered` (`taskgroup` is ``TaskGroupMultisocket``).
    init(executor: ReactorExecutor, drains: [SocketDrain], strategy: Strategy) {
        self.executor = executor
        switch strategy {
        case .join:
            executor.spawn(JoinAll(drains))
        case .spawn:
            for drain in drains { executor.spawn(drain) }
        case .unordered, .taskgroup:
            precondition(strategy == .unordered, "taskgroup runs on TaskGroupMultisocket")
            let set = FuturesUnordered()
            for drain in drains { set.push(drain) }
            executor.spawn(set)
        }
    }

    func run() throws(SystemError) {
        _ = try executor.run()
    }
}

/// The seed's per-socket `UdpServer` future: prints `Future #N poll()...`, then receives until
/// the socket would block, summarising each datagram; it never completes.
final class SocketDrain: TaskFuture {
    private let socket: UDPSocket
    private let cache: ReadinessCache
    private let index: Int
    private let counters: EngineCounters
    /// Per-socket receive counts, set once every socket of the engine is bound.
    var sockets: SocketCounters?
    private let trace: TraceSink?
    private var buffer: [UInt8]

    init(
        socket: consuming UDPSocket,
        cache: ReadinessCache,
        index: Int,
        counters: EngineCounters,
        bufferSize: Int,
        trace: TraceSink?
    ) {
        self.socket = socket
        self.cache = cache
        self.index = index
        self.counters = counters
        self.trace = trace
        self.buffer = [UInt8](repeating: 0, count: bufferSize)
    }

    func poll(_ context: TaskContext) -> PollResult {
        counters.futurePolls.increment()
        trace?("Future #\(index) poll()...")
        while cache.isReadable {
            counters.syscalls.increment()
            let result = buffer.withUnsafeMutableBytes { bytes in
                Result { () throws(SystemError) in try socket.receive(into: bytes) }
            }
            switch result {
            case .success(.processed(let datagram)):
                counters.rxDatagrams.increment()
                counters.rxBytes.increment(by: UInt64(datagram.byteCount))
                if datagram.isTruncated { counters.truncated.increment() }
                sockets?.countReceive(on: index)
                trace?("recv \(datagram.byteCount) bytes from \(datagram.source) at \(socket.localAddress)")
            case .success(.wouldBlock):
                counters.recvWouldBlock.increment()
                cache.awaitReadable(context)
            case .failure(let error):
                counters.errors.increment()
                trace?("recvfrom: \(error.reason); ignoring.")
            }
        }
        cache.awaitReadable(context)
        return .pending
    }
}
