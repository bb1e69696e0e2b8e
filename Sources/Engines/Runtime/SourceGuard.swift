import UDPLabOS
import UDPLabProtocol

/// The loop and reflection guard every echo backend asks, at the one place where it accepts a
/// datagram for echo, before it makes the reply: a datagram from a denied source port
/// (`--deny-source-ports`, ``SourcePortList``), or one over its source prefix's rate or the
/// engine's total (`--rate-limit`, `--rate-limit-total`), gets no echo and is counted in
/// `policy_drops` (the rate-limited ones in `rate_limited` too).
///
/// The list is a bitmap of all 65,536 ports (8 KiB), so a datagram costs one load and a bit
/// test whatever the list holds; with `--deny-source-ports none` there is no bitmap and the
/// check is a branch on `nil`. Without a rate limit the rest is a branch on a flag, and the
/// clock is not read. Built once per engine loop and used by that loop only (NIO's handler
/// runs on its one event loop, nio-async's reader in one task), so its buckets need no lock.
public final class SourceGuard: @unchecked Sendable {
    /// Bit `port` set: denied; `nil` when no port is.
    private let denied: UnsafeMutablePointer<UInt64>?
    private let counters: EngineCounters
    private let trace: TraceSink?
    /// Whether a rate limit applies: the only test an engine without one pays.
    public let isLimiting: Bool
    /// The per-prefix buckets (`--rate-limit`), and how prefixes are cut.
    let table: RateLimitTable?
    private let prefix: SourcePrefix
    /// The engine's total (`--rate-limit-total`).
    private var total: TokenBucket?
    /// 64-bit words in the bitmap: 65,536 bits.
    private static let wordCount = 1024

    /// The guard `spec` asks for, counting in `counters` and tracing to `trace`.
    public init(spec: EngineSpec, counters: EngineCounters, trace: TraceSink?) {
        let ports = spec.effectiveDenySourcePorts.ports
        if ports.isEmpty {
            denied = nil
        } else {
            let bitmap = UnsafeMutablePointer<UInt64>.allocate(capacity: Self.wordCount)
            bitmap.initialize(repeating: 0, count: Self.wordCount)
            for port in ports {
                bitmap[Int(port >> 6)] |= 1 << UInt64(port & 63)
            }
            denied = bitmap
        }
        self.counters = counters
        self.trace = trace
        table = spec.rateLimit.map { RateLimitTable(rate: $0) }
        prefix = spec.effectiveRateLimitPrefix
        total = spec.rateLimitTotal.map { TokenBucket(RateLimit(pps: $0)) }
        isLimiting = table != nil || total != nil
    }

    deinit { denied?.deallocate() }

    /// Whether a datagram from `port` is denied (nothing counted; traced).
    @inline(__always)
    public func denies(port: UInt16) -> Bool {
        guard let denied, denied[Int(port >> 6)] & (1 << UInt64(port & 63)) != 0 else { return false }
        trace?("no reply: source port \(port) is denied (--deny-source-ports).")
        return true
    }

    /// Whether a datagram from `source`, received at `now` (read only when a rate limit
    /// applies: a batch passes the time it read once), may be echoed; one that may not is
    /// counted in `policy_drops`.
    @inline(__always)
    public func admits(
        _ source: SocketAddress,
        at now: @autoclosure () -> UInt64,
        datagrams: UInt64 = 1
    ) -> Bool {
        admits(port: source.port, source: source, at: now(), datagrams: datagrams)
    }

    /// Whether a datagram from source port `port` of `source` (made only when a rate limit
    /// applies: NIO's addresses are converted then) may be echoed at `now`; one that may not is
    /// counted in `policy_drops`. `datagrams` is more than 1 for a GRO train (one source): each
    /// one is counted, and each takes a token.
    @inline(__always)
    public func admits(
        port: UInt16,
        source: @autoclosure () -> SocketAddress?,
        at now: @autoclosure () -> UInt64,
        datagrams: UInt64 = 1
    ) -> Bool {
        if denies(port: port) {
            counters.policyDrops.increment(by: datagrams)
            return false
        }
        guard isLimiting, let source = source() else { return true }
        return isWithinRate(source, now: now(), datagrams: datagrams)
    }

    /// The rate limits' verdict on a datagram from `source` at `now`, counted when it is over.
    @inline(never)
    private func isWithinRate(_ source: SocketAddress, now: UInt64, datagrams: UInt64) -> Bool {
        let key = source.prefixKey(v4Bits: prefix.v4, v6Bits: prefix.v6)
        if let table, !table.admits(key, now: now, tokens: datagrams) {
            return limited(source, datagrams, "its prefix is over --rate-limit")
        }
        if total != nil, total?.take(now: now, tokens: datagrams) == false {
            return limited(source, datagrams, "the engine is over --rate-limit-total")
        }
        return true
    }

    /// Counts rate-limited datagrams.
    private func limited(_ source: SocketAddress, _ datagrams: UInt64, _ reason: String) -> Bool {
        counters.rateLimited.increment(by: datagrams)
        counters.policyDrops.increment(by: datagrams)
        trace?("no reply to \(source.unmappingIPv4): \(reason).")
        return false
    }
}
