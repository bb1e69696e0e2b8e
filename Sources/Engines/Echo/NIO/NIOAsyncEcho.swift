import NIOCore
import NIOPosix
import Synchronization
import UDPLabEngineKit
import UDPLabOS
import UDPLabProtocol

/// Backend `nio-async`: SwiftNIO's `NIOAsyncChannel` on its own single-thread event loop group,
/// served by a reader task and a writer task joined by a bounded queue of `--queue` slots.
///
/// The reader takes datagrams from the channel's inbound stream and queues them, waiting while
/// the queue is full (backpressure: the engine drops nothing, and NIO stops reading once its
/// own inbound buffer is full); the writer hands everything queued to the channel's outbound
/// writer at once, which writes and flushes it (one `sendmmsg` when several are pending). The
/// two are child tasks of one task group in one top-level task; a stop cancels that task.
///
/// NIO reads up to `--queue` datagrams per readable event, not its default 4: the async bridge
/// costs about the same per read cycle (two task resumptions, the writer's lock, a flush) however
/// many datagrams the cycle carries, and a cycle of a whole queue shares it among more.
///
/// Every job of these tasks runs on NIO's loop thread: the tasks prefer an executor that
/// enqueues on the event loop, so NIO's nonisolated async code (the stream's `next()`, the
/// writer's `write`) runs there too instead of hopping to Swift's global executor and back for
/// each datagram, and the queue needs no lock. NIO's syscalls and wakeups are not visible from
/// outside it, so those counters are reported absent (``Backend/unobservedCounters``); kernel
/// drops are read through the channel's socket, and `--buffer` is honoured as on `nio`
/// (``NIODatagramLimit``). This is the only file besides ``NIOEcho`` that imports NIO.
public final class NIOAsyncEcho: EngineLoop {
    private typealias Envelope = AddressedEnvelope<ByteBuffer>

    private let group: MultiThreadedEventLoopGroup
    private let channel: NIOAsyncChannel<Envelope, Envelope>
    /// The tasks' executor preference, held here for as long as they run.
    private let executor: EventLoopTaskExecutor
    private let echo: EchoTasks
    private let queueCapacity: Int
    private let control: LoopControl
    private let counters: EngineCounters
    private let gauge: KernelDropGauge
    /// Where the channel is bound.
    public let localAddress: UDPLabOS.SocketAddress

    public init(
        spec: EngineSpec,
        control: LoopControl,
        counters: EngineCounters,
        residence: ResidenceHistogram,
        trace: TraceSink?,
        gauge: KernelDropGauge
    ) throws(EngineError) {
        self.control = control
        self.counters = counters
        self.gauge = gauge
        queueCapacity = spec.queueCapacity
        let limit = NIODatagramLimit(bufferSize: spec.bufferSize)
        echo = EchoTasks(
            counters: counters,
            residence: residence,
            reply: spec.effectiveReply,
            limit: limit,
            sourceGuard: SourceGuard(spec: spec, counters: counters, trace: trace),
            trace: trace
        )
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // Wrapped in the initializer, on the loop, so no datagram is read before the async
        // channel's handler is in place.
        let wrapped = Mutex<NIOAsyncChannel<Envelope, Envelope>?>(nil)
        let bootstrap = NIOEcho.settingIPv6Only(DatagramBootstrap(group: group), for: spec)
            .channelOption(.recvAllocator, value: limit.allocator)
            // Nothing is read before the engine's thread runs the loop (``run()``): until then the
            // kernel queues datagrams, as on every backend (and the `beforeLoop` seam holds).
            .channelOption(.autoRead, value: false)
            // One read cycle reads at most what the queue holds (NIO's default is 4).
            .channelOption(.maxMessagesPerRead, value: UInt(spec.queueCapacity))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ErrorCounter(counters: counters, trace: trace))
                    let asyncChannel = try NIOAsyncChannel<Envelope, Envelope>(wrappingChannelSynchronously: channel)
                    wrapped.withLock { $0 = asyncChannel }
                }
            }
        let bound: any NIOCore.Channel
        do {
            // Blocks the caller for the bind only, so a busy address is reported at start.
            bound = try bootstrap.bind(host: spec.bind.host, port: Int(spec.bind.port)).wait()
        } catch {
            // The async channel made before the bind must go while its loop still runs: its
            // teardown schedules work there.
            wrapped.withLock { $0 = nil }
            try? group.syncShutdownGracefully()
            throw NIOEcho.bindError(error, spec.bind)
        }
        // The initializer ran on the loop before the bind's future completed: a bound channel
        // without its async wrapper would be a broken promise of NIO's, reported as a failure.
        guard let asyncChannel = wrapped.withLock({ $0 }) else {
            try? bound.close().wait()
            try? group.syncShutdownGracefully()
            throw .backendUnavailable(.nioAsync, reason: "SwiftNIO bound the channel without running its initializer")
        }
        channel = asyncChannel
        executor = EventLoopTaskExecutor(bound.eventLoop)
        localAddress = spec.bind.withPort(UInt16(bound.localAddress?.port ?? Int(spec.bind.port)))
        NIOEcho.measureDrops(of: bound, in: gauge)
    }

    /// Starts the echo tasks, waits (on the engine's thread) until a stop is asked for, then
    /// cancels them, waits for them and the channel's close, and ends the event loop.
    public func run() throws(SystemError) {
        let finished = channel.channel.eventLoop.makePromise(of: Void.self)
        let task = Self.serve(channel, echo: echo, capacity: queueCapacity, executor: executor, finished: finished)
        defer {
            // The gauge's last reading, while the socket is open.
            gauge.close()
            task.cancel()
            try? finished.futureResult.wait()
            // Ending NIO's loop thread can take a few hundred milliseconds on a busy machine, and
            // stop() returns only once it is gone (no thread or fd outlives it).
            try? group.syncShutdownGracefully()
        }
        _ = channel.channel.setOption(ChannelOptions.autoRead, value: true)
        try control.waitForStop(counting: counters)
    }

    /// The top-level task: the reader and the writer as the two children of a task group, inside
    /// the channel's `executeThenClose`, which closes the channel once both have ended.
    /// `finished` is succeeded at the very end.
    ///
    /// A static function with a `@Sendable` operation: the task is created from the engine's
    /// thread and captures nothing of `self`.
    private static func serve(
        _ channel: NIOAsyncChannel<Envelope, Envelope>,
        echo: EchoTasks,
        capacity: Int,
        executor: EventLoopTaskExecutor,
        finished: EventLoopPromise<Void>
    ) -> Task<Void, Never> {
        let eventLoop = channel.channel.eventLoop
        let operation: @Sendable () async -> Void = {
            // Rethrows what the body throws: nothing.
            try? await channel.executeThenClose { inbound, outbound in
                let queue = NIOLoopBound(NIOAsyncEchoQueue<Pending>(capacity: capacity), eventLoop: eventLoop)
                // The children inherit the task's executor preference: they run on the loop.
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await echo.read(inbound, into: queue.value) }
                    group.addTask { await echo.write(outbound, from: queue.value) }
                }
            }
            finished.succeed()
        }
        return Task(executorPreference: executor, operation: operation)
    }
}

/// A datagram on its way from the reader to the writer: the reply, and when it was received.
private struct Pending {
    var envelope: AddressedEnvelope<ByteBuffer>
    var receivedAt: UInt64
}

/// The reader and the writer, with what they count.
private struct EchoTasks: Sendable {
    let counters: EngineCounters
    let residence: ResidenceHistogram
    let reply: ReplyMode
    let limit: NIODatagramLimit
    let sourceGuard: SourceGuard
    let trace: TraceSink?

    /// Counts each datagram, makes its reply and queues it; finishes the queue when the inbound
    /// stream ends (the task was cancelled, or the channel closed) or the writer has ended.
    func read(
        _ inbound: NIOAsyncChannelInboundStream<AddressedEnvelope<ByteBuffer>>,
        into queue: NIOAsyncEchoQueue<Pending>
    ) async {
        do {
            for try await var envelope in inbound {
                let receivedAt = MonotonicClock.nanoseconds()
                _ = limit.receive(&envelope.data, counting: counters, trace: trace, from: envelope.remoteAddress)
                guard
                    sourceGuard.admits(
                        port: UInt16(truncatingIfNeeded: envelope.remoteAddress.port ?? 0),
                        source: envelope.remoteAddress.withSockAddr { address, _ in
                            UDPLabOS.SocketAddress(sockaddr: address)
                        },
                        at: receivedAt
                    )
                else {
                    continue
                }
                guard reply == .echo || envelope.data.withUnsafeMutableReadableBytes({ reply.makeReply(in: $0) })
                else {
                    counters.unanswered.increment()
                    trace?("no reply (--reply \(reply.rawValue)).")
                    continue
                }
                if queue.isFull, await !queue.waitForRoom() { break }
                queue.append(Pending(envelope: envelope, receivedAt: receivedAt))
                counters.queueHighWater.raise(to: UInt64(queue.count))
            }
        } catch {
            trace?("reader: \(error); ending.")
        }
        queue.finish()
    }

    /// Writes everything queued in one call (one flush), then counts it: sent and residence, from
    /// receive to the write's return, when NIO has written and flushed it. Finishes the queue
    /// when the reader has ended and the queue is empty, or a write fails (the channel closed).
    func write(
        _ outbound: NIOAsyncChannelOutboundWriter<AddressedEnvelope<ByteBuffer>>,
        from queue: NIOAsyncEchoQueue<Pending>
    ) async {
        var batch: [Pending] = []
        batch.reserveCapacity(queue.capacity)
        // The replies alone, as an array: NIO copies them out through its contiguous storage.
        var envelopes: [AddressedEnvelope<ByteBuffer>] = []
        envelopes.reserveCapacity(queue.capacity)
        while await queue.waitForElements() {
            queue.takeAll(into: &batch)
            for pending in batch {
                envelopes.append(pending.envelope)
            }
            do {
                try await outbound.write(contentsOf: envelopes)
            } catch {
                trace?("writer: \(error); ending.")
                break
            }
            let sentAt = MonotonicClock.nanoseconds()
            for pending in batch {
                counters.txDatagrams.increment()
                counters.txBytes.increment(by: UInt64(pending.envelope.data.readableBytes))
                residence.record(nanoseconds: sentAt &- pending.receivedAt)
            }
            batch.removeAll(keepingCapacity: true)
            envelopes.removeAll(keepingCapacity: true)
        }
        queue.finish()
    }
}

/// The echo tasks' executor preference: runs their jobs on the channel's event loop thread.
///
/// NIO's event loops are serial executors but not task executors; without this, each call into
/// NIO's nonisolated async API would run on Swift's global executor, two thread hops per call.
private final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Counts and absorbs the channel's errors before they reach `NIOAsyncChannel`'s handler, which
/// would end the inbound stream at the first: a per-datagram error (e.g. ECONNREFUSED from an
/// earlier reply) must not end the echo. The channel stays open.
private final class ErrorCounter: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let counters: EngineCounters
    private let trace: TraceSink?

    init(counters: EngineCounters, trace: TraceSink?) {
        self.counters = counters
        self.trace = trace
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        counters.errors.increment()
        trace?("error: \(error); ignoring.")
    }
}
