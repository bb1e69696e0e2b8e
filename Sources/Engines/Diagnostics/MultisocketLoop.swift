import UDPLabOS

/// Kind `multisocket`, after the seed's tokio-multisocket-join / -spawn / -futuresunordered:
/// `--count` sockets, each drained by its own future, never echoed. The strategy decides how the
/// futures are driven, which is the lesson: notifications are per task, not per future.
public final class MultisocketLoop: EngineLoop {
    private let executor: ReactorExecutor

    /// - Parameters:
    ///   - executor: where the sockets' futures are registered.
    ///   - tasks: the top-level futures the strategy makes of them, one task each: all the
    ///     sockets joined (`join`), one per socket (`spawn`), or one `FuturesUnordered` of them
    ///     (`unordered`). `taskgroup` is ``TaskGroupMultisocket``.
    public init(executor: ReactorExecutor, tasks: [any TaskFuture]) {
        self.executor = executor
        for task in tasks { executor.spawn(task) }
    }

    public func run() throws(SystemError) {
        _ = try executor.run()
    }
}

/// The seed's per-socket `UdpServer` future: prints `Future #N poll()...`, then receives until
/// the socket would block, summarising each datagram; it never completes.
public final class SocketDrain: TaskFuture {
    private let socket: UDPSocket
    private let cache: ReadinessCache
    private let index: Int
    private let counters: EngineCounters
    /// Per-socket receive counts, set once every socket of the engine is bound.
    public var sockets: SocketCounters?
    private let trace: TraceSink?
    private var buffer: [UInt8]

    public init(
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

    public func poll(_ context: TaskContext) -> PollResult {
        counters.futurePolls.increment()
        trace?("Future #\(index) poll()...")
        while cache.isReadable {
            let result = buffer.withUnsafeMutableBytes { bytes in
                socket.receive(into: bytes, counting: counters) { error in
                    trace?("recvfrom: \(error.reason); ignoring.")
                }
            }
            switch result {
            case .processed(let datagram?):
                sockets?.countReceive(on: index)
                trace?(
                    "recv \(datagram.byteCount) bytes from \(datagram.source.unmappingIPv4) at \(socket.localAddress)"
                )
            case .processed(nil):
                continue
            case .wouldBlock:
                cache.awaitReadable(context)
            }
        }
        cache.awaitReadable(context)
        return .pending
    }
}
