import NIOCore
import NIOPosix

/// Backend `nio`: SwiftNIO's `DatagramBootstrap` with an echo `ChannelHandler`, on its own
/// single-thread event loop group — NIO's own UDP echo example, with udplab's counters fed from
/// the handler.
///
/// NIO's selector is level-triggered and reads up to `maxMessagesPerRead` datagrams per readiness
/// event (`--budget`, default 16 where NIO's own default is 4); replies are written per read and
/// flushed once per read cycle (one `sendmmsg` when several are pending), so a larger budget
/// means fewer system calls per echo at saturation. NIO's own syscalls and wakeups are not
/// visible from outside it, so those counters stay 0; nor are kernel drops. This is the only file
/// besides ``NIOAsyncEcho`` that imports NIO.
final class NIOEcho: EngineLoop {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any NIOCore.Channel
    private let control: LoopControl
    private let counters: EngineCounters
    /// Where the channel is bound.
    let localAddress: SocketAddress

    init(
        spec: EngineSpec,
        control: LoopControl,
        counters: EngineCounters,
        residence: ResidenceHistogram,
        trace: TraceSink?
    ) throws(EngineError) {
        self.control = control
        self.counters = counters
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let reply = spec.reply ?? .echo
        let bootstrap = NIOEcho.settingIPv6Only(DatagramBootstrap(group: group), for: spec)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: spec.bufferSize))
            .channelOption(.maxMessagesPerRead, value: UInt(spec.effectiveBudget))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOEchoHandler(counters: counters, residence: residence, reply: reply, trace: trace)
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
    }

    /// Waits (on the engine's thread) until a stop is asked for, then closes the channel and ends
    /// the event loop.
    func run() throws(SystemError) {
        defer {
            try? channel.close().wait()
            // The socket is closed here; ending NIO's loop thread can take a few hundred
            // milliseconds on a busy machine, and stop() returns only once it is gone (no thread
            // or fd outlives it), also when the wait below failed.
            try? group.syncShutdownGracefully()
        }
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
    static func bindError(_ error: any Error, _ address: SocketAddress) -> EngineError {
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
    private let trace: TraceSink?
    /// When the current read cycle's first datagram arrived, and how many it has written.
    private var cycleStart: UInt64 = 0
    private var written: UInt64 = 0

    init(counters: EngineCounters, residence: ResidenceHistogram, reply: ReplyMode, trace: TraceSink?) {
        self.counters = counters
        self.residence = residence
        self.reply = reply
        self.trace = trace
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var envelope = unwrapInboundIn(data)
        let count = UInt64(envelope.data.readableBytes)
        if written == 0 {
            cycleStart = MonotonicClock.nanoseconds()
        }
        counters.rxDatagrams.increment()
        counters.rxBytes.increment(by: count)
        trace?("recv \(count) bytes from \(envelope.remoteAddress).")
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
