/// The I/O model an echo engine runs on (`--backend`).
public enum Backend: String, CaseIterable, Codable, Sendable {
    case select
    case poll
    case epollLevel = "epoll-level"
    case epollEdge = "epoll-edge"
    case reactorLevel = "reactor-level"
    case reactorEdge = "reactor-edge"
    case flipflop
    case task
    case taskMPSC = "task-mpsc"
    case mmsg
    case nio
    case nioAsync = "nio-async"
    case uring
    case gso

    /// The default (`DESIGN.md` §2).
    public static let `default` = Backend.reactorEdge

    /// Everything udplab says about the backend: the one table of backend facts.
    public var traits: BackendTraits {
        switch self {
        case .select:
            BackendTraits(
                summary: "select(2), write interest only while the queue is non-empty",
                mirrors: "echo-select",
                trigger: .level
            )
        case .poll:
            BackendTraits(
                summary: "poll(2), write interest only while the queue is non-empty",
                mirrors: "echo-select, on poll(2)",
                trigger: .level
            )
        case .epollLevel:
            BackendTraits(
                summary: "epoll(7) level-triggered, used directly",
                mirrors: "echo-epoll-level",
                trigger: .level
            )
        case .epollEdge:
            BackendTraits(
                summary: "epoll(7) edge-triggered, drains until EAGAIN",
                mirrors: "echo-epoll-edge",
                trigger: .edge
            )
        case .reactorLevel:
            BackendTraits(
                summary: "udplab's Mio-like reactor, level-triggered",
                mirrors: "echo-mio-level",
                trigger: .level
            )
        case .reactorEdge:
            BackendTraits(
                summary: "udplab's Mio-like reactor, edge-triggered (default)",
                mirrors: "echo-mio-edge",
                trigger: .edge
            )
        case .flipflop:
            BackendTraits(
                summary: "tokio-core echo-udp: no read while a send is blocked",
                mirrors: "tokio-core examples/echo-udp",
                trigger: .edge,
                defaultQueue: 1,
                refuses: [.queue: "it holds exactly one pending datagram"],
                refusesRelay: Self.echoOnly
            )
        case .task:
            BackendTraits(
                summary: "task executor: one future sends and receives (echo-tokio)",
                mirrors: "echo-tokio",
                trigger: .edge
            )
        case .taskMPSC:
            BackendTraits(
                summary: "task executor: reader and writer joined by a channel",
                mirrors: "echo-tokio-mpsc",
                trigger: .edge,
                refusesRelay: Self.echoOnly
            )
        case .mmsg:
            BackendTraits(
                summary: "recvmmsg/sendmmsg batches on edge-triggered epoll(7)",
                mirrors: "(none: recvmmsg/sendmmsg batching)",
                trigger: .edge,
                queueHoldsBatch: true
            )
        case .nio:
            // 16 is the value NIO's own bootstrap documentation shows; its default, 4, flushes
            // replies after every fourth datagram.
            BackendTraits(
                summary: "SwiftNIO DatagramBootstrap with an echo ChannelHandler",
                mirrors: "SwiftNIO's NIOUDPEchoServer",
                trigger: .level,
                observesLoop: false,
                defaultBudget: 16,
                budgetRange: (
                    1...1024,
                    "NIO's maxMessagesPerRead: it reads at most that many datagrams per readiness event and cannot drain"
                ),
                refuses: [
                    .queue: "SwiftNIO's channel buffers its own writes",
                    .threads: "SwiftNIO runs its own event loops", .steer: "SwiftNIO runs its own event loops",
                    .reflectTOS: Self.nioTrafficClass,
                ],
                refusesWildcardBind: Self.nioPacketInfo,
                refusesRelay: Self.nioRelay
            )
        case .nioAsync:
            // Replies leave in batches of up to NIO's maxMessagesPerRead, so a deeper queue pays
            // at saturation.
            BackendTraits(
                summary: "SwiftNIO NIOAsyncChannel, reader and writer tasks, a queue",
                mirrors: "SwiftNIO's NIOUDPEchoServer, on NIOAsyncChannel",
                trigger: .level,
                observesLoop: false,
                defaultQueue: 32,
                refuses: [
                    .budget: "it reads as many datagrams per readiness event as --queue holds",
                    .threads: "SwiftNIO runs its own event loops", .steer: "SwiftNIO runs its own event loops",
                    .reflectTOS: Self.nioTrafficClass,
                ],
                refusesWildcardBind: Self.nioPacketInfo,
                refusesRelay: Self.nioRelay
            )
        case .uring:
            // io_uring reports completions, not readiness; like an edge backend, it is told once
            // per datagram and never asks again.
            BackendTraits(
                summary: "io_uring: multishot recvmsg, provided buffers, batched sends",
                mirrors: "(none: io_uring completions)",
                trigger: .edge,
                queueHoldsBatch: true,
                refuses: [.budget: "it has no readiness events to budget"]
            )
        case .gso:
            // Each --batch buffer is 64 KiB (a GRO train), each datagram in it cut at --buffer;
            // datagrams wait in the kernel while a batch's replies are blocked.
            BackendTraits(
                summary: "UDP GRO receives, UDP GSO sends, batched (recvmmsg/sendmmsg)",
                mirrors: "(none: the kernel's udpgso_bench, quinn-udp)",
                trigger: .edge,
                refuses: [
                    .queue:
                        "its queue is the --batch GRO buffers; datagrams wait in the kernel while replies are blocked",
                    .budget:
                        "one receive may bring up to 128 datagrams per buffer, so a datagram budget cannot be kept",
                ],
                refusesRelay: Self.echoOnly
            )
        }
    }

    /// Why a backend that is one echo program's shape runs no relay.
    private static let echoOnly = "it is the shape of one echo program"

    /// Why the SwiftNIO backends run no relay: udplab's relay is its own loops' lesson.
    private static let nioRelay = "SwiftNIO runs its own loop, and the relay is a lesson in udplab's"

    /// Why the SwiftNIO backends cannot reflect a traffic class: NIO reads and writes only its
    /// ECN bits (`AddressedEnvelope.Metadata.ecnState`), never the DSCP.
    private static let nioTrafficClass =
        "SwiftNIO 2.101 carries only the ECN bits of a datagram's traffic class, not its DSCP"

    /// Why the SwiftNIO backends refuse a wildcard bind: NIO reads a datagram's destination
    /// (`NIOPacketInfo`) but cannot send from it, so its replies would leave from whichever
    /// address the route picks, not the one the client asked.
    private static let nioPacketInfo =
        "SwiftNIO 2.101 cannot send a reply from the address a request reached (it writes no IP_PKTINFO), so on a multi-homed host its replies would come from the wrong address; bind a specific address, or use another backend"

    /// The loop counters this backend cannot see: all of them where udplab does not run the loop
    /// (``BackendTraits/observesLoop``), none elsewhere. They are reported absent, never as 0.
    public var unobservedCounters: Set<LoopCounter> { traits.observesLoop ? [] : Set(LoopCounter.allCases) }
}
