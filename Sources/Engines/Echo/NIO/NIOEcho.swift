import NIOCore
import NIOPosix
import Synchronization
import UDPLabEngineKit
import UDPLabOS
import UDPLabProtocol

/// Backend `nio`: SwiftNIO's `DatagramBootstrap` with an echo `ChannelHandler`, on its own
/// single-thread event loop group — NIO's own UDP echo example, with udplab's counters fed from
/// the handler.
///
/// NIO's selector is level-triggered and reads up to `maxMessagesPerRead` datagrams per readiness
/// event (`--budget`, default 16 where NIO's own default is 4); replies are written per read and
/// flushed once per read cycle (one `sendmmsg` when several are pending), so a larger budget
/// means fewer system calls per echo at saturation. NIO's own syscalls and wakeups are not
/// visible from outside it, so those counters are reported absent
/// (``Backend/unobservedCounters``); kernel drops are read through the channel's socket. A
/// datagram longer than `--buffer` is counted in `truncated` and echoed cut to `--buffer` bytes,
/// as on every other backend (``NIODatagramLimit``). This is the only file besides
/// ``NIOAsyncEcho`` that imports NIO.
public final class NIOEcho: EngineLoop {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any NIOCore.Channel
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
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let reply = spec.reply ?? .echo
        let limit = NIODatagramLimit(bufferSize: spec.bufferSize)
        let sourceGuard = SourceGuard(spec: spec, counters: counters, trace: trace)
        let bootstrap = NIOEcho.settingIPv6Only(DatagramBootstrap(group: group), for: spec)
            .channelOption(.recvAllocator, value: limit.allocator)
            // Nothing is read before the engine's thread runs the loop (``run()``): until then the
            // kernel queues datagrams, as on every backend (and the `beforeLoop` seam holds).
            .channelOption(.autoRead, value: false)
            .channelOption(.maxMessagesPerRead, value: UInt(spec.effectiveBudget))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOEchoHandler(
                            counters: counters,
                            residence: residence,
                            reply: reply,
                            limit: limit,
                            sourceGuard: sourceGuard,
                            trace: trace
                        )
                    )
                }
            }
        do {
            // Blocks the caller for the bind only, so a busy address is reported at start.
            channel = try bootstrap.bind(host: spec.bind.host, port: Int(spec.bind.port)).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw Self.bindError(error, spec.bind)
        }
        localAddress = spec.bind.withPort(UInt16(channel.localAddress?.port ?? Int(spec.bind.port)))
        Self.measureDrops(of: channel, in: gauge)
    }

    /// Adds `channel`'s socket to `gauge` (also for ``NIOAsyncEcho``): `SO_MEMINFO` read on the
    /// channel's event loop, through NIO's socket option API, so never after NIO closed it (the
    /// engine closes the gauge before the channel).
    static func measureDrops(of channel: any NIOCore.Channel, in gauge: KernelDropGauge) {
        guard let options = channel as? any SocketOptionProvider else { return }
        // A channel NIO closed by itself answers no more: its last count stands.
        let last = Mutex<UInt64?>(nil)
        gauge.add {
            let info: EventLoopFuture<KernelDropGauge.MemoryInfo> = options.unsafeGetSocketOption(
                level: SocketOptionLevel(KernelDropGauge.memoryInfoLevel),
                name: SocketOptionName(KernelDropGauge.memoryInfoOption)
            )
            guard let drops = try? info.wait().drops else { return last.withLock { $0 } }
            last.withLock { $0 = drops }
            return drops
        }
    }

    /// Waits (on the engine's thread) until a stop is asked for, then closes the channel and ends
    /// the event loop.
    public func run() throws(SystemError) {
        defer {
            // The gauge's last reading, while the socket is open.
            gauge.close()
            try? channel.close().wait()
            // The socket is closed here; ending NIO's loop thread can take a few hundred
            // milliseconds on a busy machine, and stop() returns only once it is gone (no thread
            // or fd outlives it), also when the wait below failed.
            try? group.syncShutdownGracefully()
        }
        _ = channel.setOption(ChannelOptions.autoRead, value: true)
        try control.waitForStop(counting: counters)
    }

    /// `bootstrap` with `IPV6_V6ONLY` set explicitly for an IPv6 bind, as `UDPSocket` does (on,
    /// or off with `--dual-stack`), where NIO would leave `net.ipv6.bindv6only`'s default (also
    /// for ``NIOAsyncEcho``).
    static func settingIPv6Only(_ bootstrap: DatagramBootstrap, for spec: EngineSpec) -> DatagramBootstrap {
        guard spec.bind.isIPv6 else { return bootstrap }
        let option = ChannelOptions.Types.SocketOption(level: .ipv6, name: .ipv6_v6only)
        return bootstrap.channelOption(option, value: spec.isDualStack ? 0 : 1)
    }

    /// What a failed bind means for the user (also for ``NIOAsyncEcho``).
    static func bindError(_ error: any Error, _ address: UDPLabOS.SocketAddress) -> EngineError {
        if let ioError = error as? IOError {
            let systemError = SystemError(code: ioError.errnoCode, operation: "bind")
            return systemError.isAddressInUse ? .addressInUse(address) : .system(systemError)
        }
        return .invalidSpec("cannot bind \(address): \(error)")
    }
}

/// The echo handler: write each datagram back as it is read, flush once per read cycle, counting.
private final class NIOEchoHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let counters: EngineCounters
    private let residence: ResidenceHistogram
    private let reply: ReplyMode
    private let limit: NIODatagramLimit
    private let sourceGuard: SourceGuard
    private let trace: TraceSink?
    /// When the current read cycle's first datagram arrived, and how many it has written.
    private var cycleStart: UInt64 = 0
    private var written: UInt64 = 0

    init(
        counters: EngineCounters,
        residence: ResidenceHistogram,
        reply: ReplyMode,
        limit: NIODatagramLimit,
        sourceGuard: SourceGuard,
        trace: TraceSink?
    ) {
        self.counters = counters
        self.residence = residence
        self.reply = reply
        self.limit = limit
        self.sourceGuard = sourceGuard
        self.trace = trace
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var envelope = unwrapInboundIn(data)
        if written == 0 {
            cycleStart = MonotonicClock.nanoseconds()
        }
        let count = UInt64(
            limit.receive(&envelope.data, counting: counters, trace: trace, from: envelope.remoteAddress)
        )
        guard
            sourceGuard.admits(
                port: UInt16(truncatingIfNeeded: envelope.remoteAddress.port ?? 0),
                source: envelope.remoteAddress.withSockAddr { address, _ in UDPLabOS.SocketAddress(sockaddr: address) },
                at: cycleStart
            )
        else { return }
        guard reply == .echo || envelope.data.withUnsafeMutableReadableBytes({ reply.makeReply(in: $0) }) else {
            counters.unanswered.increment()
            trace?("no reply (--reply \(reply.rawValue)).")
            return
        }
        context.write(wrapOutboundOut(envelope), promise: nil)
        // Counted when handed to NIO: its write completes asynchronously (a promise per datagram
        // would allocate).
        counters.txDatagrams.increment()
        counters.txBytes.increment(by: count)
        written += 1
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        // Residence: from the cycle's first receive to the flush that sends its replies.
        let residenceTime = MonotonicClock.nanoseconds() &- cycleStart
        for _ in 0..<written {
            residence.record(nanoseconds: residenceTime)
        }
        counters.queueHighWater.raise(to: written)
        written = 0
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A per-datagram error (e.g. ECONNREFUSED from an earlier reply) is counted; the channel stays open.
        counters.errors.increment()
        trace?("error: \(error); ignoring.")
    }
}

/// `--buffer` on NIO's channels, as every other backend honours it: a datagram longer than the
/// buffer is counted in `truncated` and keeps only its first `--buffer` bytes.
///
/// NIO neither asks the kernel for `MSG_TRUNC` nor reads into exactly the capacity it is given
/// (its buffers round up to a power of two: `--buffer 1500` read 2,048 bytes). So the channel
/// reads into at least one byte more than the buffer, and a read longer than the buffer is a
/// datagram that did not fit: cut to the buffer, it is what `recvfrom` with `MSG_TRUNC` gives
/// the other backends.
struct NIODatagramLimit: Sendable {
    /// `--buffer`.
    let bufferSize: Int

    /// The channel's receive allocator: room for one byte past the buffer.
    var allocator: FixedSizeRecvByteBufferAllocator {
        FixedSizeRecvByteBufferAllocator(capacity: bufferSize + 1)
    }

    /// Counts a datagram read into `bytes` (received, its bytes, a truncation) and cuts it to
    /// the buffer.
    /// - Returns: the bytes kept.
    func receive(
        _ bytes: inout ByteBuffer,
        counting counters: EngineCounters,
        trace: TraceSink?,
        from source: NIOCore.SocketAddress
    ) -> Int {
        let wireLength = bytes.readableBytes
        counters.rxDatagrams.increment()
        if wireLength > bufferSize {
            bytes.moveWriterIndex(to: bytes.readerIndex + bufferSize)
            counters.truncated.increment()
        }
        counters.rxBytes.increment(by: UInt64(bytes.readableBytes))
        if let trace {
            let truncation = wireLength > bufferSize ? " (truncated)" : ""
            trace("recv \(bytes.readableBytes) bytes from \(source)\(truncation).")
        }
        return bytes.readableBytes
    }
}
