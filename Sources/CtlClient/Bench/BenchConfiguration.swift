import UDPLabOS

/// What one bench run does: a validated set of options. A configuration that exists is valid.
struct BenchConfiguration: Equatable, Sendable {
    /// The largest UDP payload over IPv4 (65535 − 8 − 20), which IPv6 also carries.
    static let maximumSize = 65507
    /// The most requests `window` mode keeps in flight: well below ``RequestLedger/capacity``.
    static let maximumWindow = 65536
    /// The highest `rate`: far beyond what one client thread can send.
    static let maximumRate = 10_000_000
    /// The most source sockets per thread.
    static let maximumSockets = 1024
    /// The most client threads.
    static let maximumThreads = 64
    /// The longest GSO train (`--gso`): the kernel's `UDP_MAX_SEGMENTS` is 128 (64 before 5.x).
    static let maximumTrain = 64
    /// Bytes per request unless told otherwise.
    static let defaultSize = 64
    /// The recorded duration unless told otherwise.
    static let defaultDuration = Duration.seconds(5)
    /// The warm-up unless told otherwise: sockperf cuts 400 ms; perf-anchors §6 asks for 0.5–1 s.
    static let defaultWarmup = Duration.seconds(1)
    /// The reply timeout unless told otherwise: thousands of loopback round trips, yet short
    /// enough that a lost request holds its window place only briefly.
    static let defaultReplyTimeout = Duration.milliseconds(100)

    /// The echo server.
    let target: SocketAddress
    /// How requests are paced.
    private(set) var mode: LoadMode
    /// The request layout.
    let payload: PayloadFormat
    /// Bytes per request.
    let size: Int
    /// How long requests are sent and recorded, after the warm-up.
    let duration: Duration
    /// How long requests are sent before recording starts; their replies are not counted.
    let warmup: Duration
    /// How many source sockets (ports) each thread spreads its requests over, round robin.
    let sockets: Int
    /// How many client threads run the load, each with its own sockets, its own window (or its
    /// share of the rate) and its own ledger.
    private(set) var threads: Int
    /// Requests per send (`--gso`): 1 sends each request alone; N > 1 sends trains of N requests
    /// with one `UDP_SEGMENT` send and receives replies with `UDP_GRO` on.
    let train: Int
    /// How long a request may go unanswered before it counts as lost (and, in the closed-loop
    /// modes, frees its place for the next request); a reply after that counts as late.
    let replyTimeout: Duration

    /// Checks every option against the others.
    ///
    /// - Throws: ``BenchError/invalidOption(_:)`` naming the first option out of range.
    init(
        target: SocketAddress,
        mode: LoadMode = .pingpong,
        payload: PayloadFormat = .plain,
        size: Int = defaultSize,
        duration: Duration = defaultDuration,
        warmup: Duration = defaultWarmup,
        sockets: Int = 1,
        threads: Int = 1,
        train: Int = 1,
        replyTimeout: Duration = defaultReplyTimeout
    ) throws(BenchError) {
        guard target.port != 0 else {
            throw .invalidOption("\(target) has port 0: give the echo server's port")
        }
        guard (payload.minimumSize...Self.maximumSize).contains(size) else {
            let room =
                payload == .plain
                ? "room for the sequence number and timestamp"
                : "sockperf's 14-byte header, then the sequence number and timestamp"
            throw .invalidOption(
                "--size must be \(payload.minimumSize)–\(Self.maximumSize) bytes with --payload \(payload.rawValue) (\(room))"
            )
        }
        switch mode {
        case .pingpong: break
        case .window(let outstanding):
            guard (1...Self.maximumWindow).contains(outstanding) else {
                throw .invalidOption("--window must be 1–\(Self.maximumWindow)")
            }
        case .rate(let perSecond):
            guard (1...Self.maximumRate).contains(perSecond) else {
                throw .invalidOption("--rate must be 1–\(Self.maximumRate) requests per second")
            }
        }
        guard (1...Self.maximumSockets).contains(sockets) else {
            throw .invalidOption("--sockets must be 1–\(Self.maximumSockets)")
        }
        guard (1...Self.maximumThreads).contains(threads) else {
            throw .invalidOption("--threads must be 1–\(Self.maximumThreads)")
        }
        guard (1...Self.maximumTrain).contains(train) else {
            throw .invalidOption("--gso must be 1–\(Self.maximumTrain) requests per train")
        }
        if train > 1 {
            if case .rate = mode { throw .invalidOption("--gso applies to --mode pingpong and window") }
            if case .window(let outstanding) = mode, outstanding < train {
                throw .invalidOption("--window must be at least --gso (\(train)): a train is sent whole")
            }
            guard train * size <= UDPSocket.offloadBufferSize else {
                throw .invalidOption("--gso \(train) × --size \(size) is more than one GSO send carries (65535 bytes)")
            }
        }
        if case .rate(let perSecond) = mode, perSecond < threads {
            throw .invalidOption("--rate must be at least --threads (\(threads)): each thread sends its share")
        }
        guard duration > .zero else { throw .invalidOption("--duration must be positive") }
        guard warmup >= .zero else { throw .invalidOption("--warmup must not be negative") }
        guard replyTimeout > .zero else { throw .invalidOption("--reply-timeout must be positive") }
        self.target = target
        self.mode = mode
        self.payload = payload
        self.size = size
        self.duration = duration
        self.warmup = warmup
        self.sockets = sockets
        self.threads = threads
        self.train = train
        self.replyTimeout = replyTimeout
    }

    /// Source sockets in all: the flows the server sees.
    var flows: Int { threads * sockets }

    /// What thread `index` of ``threads`` runs: one thread, the same window, and in `rate` mode
    /// its share of the rate (the remainder goes to the first threads).
    func thread(_ index: Int) -> BenchConfiguration {
        var part = self
        part.threads = 1
        if case .rate(let perSecond) = mode {
            part.mode = .rate(perSecond: perSecond / threads + (index < perSecond % threads ? 1 : 0))
        }
        return part
    }
}
