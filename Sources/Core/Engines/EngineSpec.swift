/// What to start: an engine's kind, I/O model, address and options (`DESIGN.md` §2).
///
/// Options left `nil` take their defaults, so a spec records only what the user chose.
public struct EngineSpec: Codable, Sendable, Equatable {
    /// What the engine does.
    public var kind: EngineKind
    /// The I/O model.
    public var backend: Backend
    /// Where its socket binds.
    public var bind: SocketAddress
    /// Outgoing queue capacity in datagrams (`--queue`), default 8.
    public var queue: Int?
    /// Receive buffer per datagram in bytes (`--buffer`), default 1500.
    public var buffer: Int?
    /// Datagrams handled per readiness event before yielding (`--budget`); 0 drains.
    public var budget: Int?
    /// Whether to emit the seed programs' per-event lines.
    public var trace: Bool

    /// `127.0.0.1:2000`, the seed's address.
    public static let defaultBind = SocketAddress(loopbackPort: 2000)
    /// Allowed `--queue` values: every slot holds a preallocated buffer.
    public static let queueRange = 1...4096
    /// Allowed `--buffer` values: the largest UDP payload fits in 65535.
    public static let bufferRange = 1...65535
    /// Allowed `--budget` values.
    public static let budgetRange = 0...1_000_000

    /// A spec with the given choices; `nil` options take their defaults.
    public init(
        kind: EngineKind = .echo,
        backend: Backend = .default,
        bind: SocketAddress = EngineSpec.defaultBind,
        queue: Int? = nil,
        buffer: Int? = nil,
        budget: Int? = nil,
        trace: Bool = false
    ) {
        self.kind = kind
        self.backend = backend
        self.bind = bind
        self.queue = queue
        self.buffer = buffer
        self.budget = budget
        self.trace = trace
    }

    /// The outgoing queue's capacity: exactly `--queue` datagrams (the seed's `len > 8` test held
    /// 9; udplab holds what it says), or 1 for `flipflop`.
    public var queueCapacity: Int { backend == .flipflop ? 1 : queue ?? 8 }

    /// The receive buffer size in bytes.
    public var bufferSize: Int { buffer ?? 1500 }

    /// Datagrams per readiness event; 0 means drain until would-block.
    public var effectiveBudget: Int { budget ?? backend.defaultBudget }

    /// Checks every option.
    /// - Throws: ``EngineError/invalidSpec(_:)`` naming the option and the allowed values.
    public func validate() throws(EngineError) {
        if let queue {
            if backend == .flipflop {
                throw .invalidSpec("--queue does not apply to backend flipflop: it holds exactly one pending datagram")
            }
            guard Self.queueRange.contains(queue) else {
                throw .invalidSpec(
                    "--queue \(queue) is out of range: use \(Self.queueRange.lowerBound)–\(Self.queueRange.upperBound)"
                )
            }
        }
        if let buffer, !Self.bufferRange.contains(buffer) {
            throw .invalidSpec(
                "--buffer \(buffer) is out of range: use \(Self.bufferRange.lowerBound)–\(Self.bufferRange.upperBound) bytes"
            )
        }
        if let budget, !Self.budgetRange.contains(budget) {
            throw .invalidSpec("--budget \(budget) is out of range: use 0 (drain) to \(Self.budgetRange.upperBound)")
        }
    }
}
