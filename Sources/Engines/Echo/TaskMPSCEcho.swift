import UDPLabOS
import UDPLabProtocol

/// Backend `task-mpsc`, after the seed's echo-tokio-mpsc: a reader future and a writer future,
/// joined in one task, passing datagrams through a bounded ``Channel`` of `--queue` slots.
///
/// When the channel is full the reader stops reading (the kernel's receive buffer holds what
/// comes next): backpressure, never a drop in the engine. Unlike the seed's reader, which read
/// one datagram per poll and notified itself, this one reads until the socket would block or the
/// channel is full.
public final class TaskMPSCEcho: EngineLoop {
    private let executor: ReactorExecutor

    public init(path: EchoPath, control: LoopControl, counters: EngineCounters, spec: EngineSpec) throws(SystemError) {
        executor = try ReactorExecutor(counters: counters, control: control)
        let cache = try executor.register(path.socket)
        let channel = Channel<Datagram>(capacity: spec.queueCapacity)
        let reader = ReaderFuture(
            path: path,
            cache: cache,
            channel: channel,
            counters: counters,
            bufferSize: spec.bufferSize
        )
        let writer = WriterFuture(path: path, cache: cache, executor: executor, channel: channel, counters: counters)
        executor.spawn(JoinAll([writer, reader]))
    }

    public func run() throws(SystemError) {
        _ = try executor.run()
    }
}

/// One datagram on its way from the reader to the writer.
private struct Datagram {
    var bytes: [UInt8]
    var address: SocketAddress
    var receivedAt: UInt64
    var packetInfo: PacketInfo
}

/// Reads datagrams and hands them to the channel; holds one back while the channel is full.
private final class ReaderFuture: TaskFuture {
    private let path: EchoPath
    private let cache: ReadinessCache
    private let channel: Channel<Datagram>
    private let counters: EngineCounters
    private var buffer: [UInt8]
    private var held: Datagram?

    init(path: EchoPath, cache: ReadinessCache, channel: Channel<Datagram>, counters: EngineCounters, bufferSize: Int) {
        self.path = path
        self.cache = cache
        self.channel = channel
        self.counters = counters
        self.buffer = [UInt8](repeating: 0, count: bufferSize)
    }

    func poll(_ context: TaskContext) -> PollResult {
        counters.futurePolls.increment()
        while true {
            if let datagram = held {
                held = channel.send(datagram, context)
                if held != nil { return .pending }
                counters.queueHighWater.raise(to: UInt64(channel.count))
            }
            guard cache.isReadable else {
                cache.awaitReadable(context)
                return .pending
            }
            let result = buffer.withUnsafeMutableBytes { bytes in
                let result = path.receiveCounted(into: bytes)
                // A datagram that gets no reply (`--reply`) is counted and goes no further.
                guard case .processed(let datagram?) = result,
                    !path.makeReply(in: .init(rebasing: bytes[..<datagram.byteCount]), from: datagram.source)
                else { return result }
                return .processed(nil)
            }
            switch result {
            case .wouldBlock:
                cache.awaitReadable(context)
                return .pending
            case .processed(nil):
                continue
            case .processed(let datagram?):
                held = Datagram(
                    bytes: Array(buffer[..<datagram.byteCount]),
                    address: datagram.source,
                    receivedAt: MonotonicClock.nanoseconds(),
                    packetInfo: datagram.packetInfo
                )
            }
        }
    }
}

/// Takes datagrams from the channel and sends them back; keeps one while the socket would block.
private final class WriterFuture: TaskFuture {
    private let path: EchoPath
    private let cache: ReadinessCache
    private unowned let executor: ReactorExecutor
    private let channel: Channel<Datagram>
    private let counters: EngineCounters
    private var current: Datagram?

    init(
        path: EchoPath,
        cache: ReadinessCache,
        executor: ReactorExecutor,
        channel: Channel<Datagram>,
        counters: EngineCounters
    ) {
        self.path = path
        self.cache = cache
        self.executor = executor
        self.channel = channel
        self.counters = counters
    }

    func poll(_ context: TaskContext) -> PollResult {
        counters.futurePolls.increment()
        while true {
            if current == nil {
                current = channel.receive(context)
            }
            guard var datagram = current else { return .pending }
            guard cache.isWritable else {
                cache.awaitWritable(context)
                return .pending
            }
            // Moved out, so the reply is made in place in its only copy (no copy-on-write).
            current = nil
            let result = datagram.bytes.withUnsafeMutableBytes {
                path.sendCounted(
                    $0,
                    to: datagram.address,
                    packetInfo: datagram.packetInfo,
                    receivedAt: datagram.receivedAt
                )
            }
            guard case .processed = result else {
                current = datagram
                cache.awaitWritable(context)
                // Watch for writability, as the other edge backends do; a failure is counted.
                if (try? executor.watchWrites(of: path.socket, cache)) == nil { counters.errors.increment() }
                return .pending
            }
        }
    }
}
