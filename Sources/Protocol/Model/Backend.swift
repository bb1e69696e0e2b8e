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

    /// The default (`DESIGN.md` §2).
    public static let `default` = Backend.reactorEdge

    /// One line for `--help` and `backends`.
    public var summary: String {
        switch self {
        case .select: "select(2), write interest only while the queue is non-empty"
        case .poll: "poll(2), write interest only while the queue is non-empty"
        case .epollLevel: "epoll(7) level-triggered, used directly"
        case .epollEdge: "epoll(7) edge-triggered, drains until EAGAIN"
        case .reactorLevel: "udplab's Mio-like reactor, level-triggered"
        case .reactorEdge: "udplab's Mio-like reactor, edge-triggered (default)"
        case .flipflop: "tokio-core echo-udp: no read while a send is blocked"
        case .task: "task executor: one future sends and receives (echo-tokio)"
        case .taskMPSC: "task executor: reader and writer joined by a channel"
        case .mmsg: "recvmmsg/sendmmsg batches on edge-triggered epoll(7)"
        case .nio: "SwiftNIO DatagramBootstrap with an echo ChannelHandler"
        case .nioAsync: "SwiftNIO NIOAsyncChannel, reader and writer tasks, a queue"
        case .uring: "io_uring: multishot recvmsg, provided buffers, batched sends"
        }
    }

    /// The seed program this backend mirrors.
    public var mirrors: String {
        switch self {
        case .select: "echo-select"
        case .poll: "echo-select, on poll(2)"
        case .epollLevel: "echo-epoll-level"
        case .epollEdge: "echo-epoll-edge"
        case .reactorLevel: "echo-mio-level"
        case .reactorEdge: "echo-mio-edge"
        case .flipflop: "tokio-core examples/echo-udp"
        case .task: "echo-tokio"
        case .taskMPSC: "echo-tokio-mpsc"
        case .mmsg: "(none: recvmmsg/sendmmsg batching)"
        case .nio: "SwiftNIO's NIOUDPEchoServer"
        case .nioAsync: "SwiftNIO's NIOUDPEchoServer, on NIOAsyncChannel"
        case .uring: "(none: io_uring completions)"
        }
    }

    /// Whether the backend handles readiness level- or edge-triggered.
    public var trigger: Trigger {
        switch self {
        case .select, .poll, .epollLevel, .reactorLevel, .nio, .nioAsync: .level
        // io_uring reports completions, not readiness; like an edge backend, it is told once
        // per datagram and never asks again.
        case .epollEdge, .reactorEdge, .flipflop, .task, .taskMPSC, .mmsg, .uring: .edge
        }
    }

    /// The loop counters this backend cannot see: all of them on `nio` and `nio-async`, whose
    /// loop is SwiftNIO's (its waits, system calls and wakeups happen inside NIO); none elsewhere.
    /// They are reported absent, never as 0.
    public var unobservedCounters: Set<LoopCounter> {
        switch self {
        case .nio, .nioAsync: Set(LoopCounter.allCases)
        default: []
        }
    }

    /// Datagrams handled per readiness event by default: 1 on level backends (as the seed's
    /// programs did), 0 = drain until would-block on edge ones; on `nio`, 16 for NIO's
    /// `maxMessagesPerRead` (the value NIO's own bootstrap documentation shows; its default, 4,
    /// flushes replies after every fourth datagram).
    public var defaultBudget: Int {
        if self == .nio { return 16 }
        return trigger == .level ? 1 : 0
    }
}
