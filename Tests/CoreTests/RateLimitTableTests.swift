import Testing

@testable import UDPLabEngineKit
@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// The token buckets of `--rate-limit`, on an injected clock (nanoseconds).
@Suite("Rate-limit table")
struct RateLimitTableTests {
    static let second: UInt64 = 1_000_000_000
    static let start: UInt64 = 1_000 * second

    /// A distinct prefix key per index.
    static func key(_ index: Int) -> (high: UInt64, low: UInt64) { (1, UInt64(bitPattern: Int64(index))) }

    @Test("A bucket gives its burst at once, then one token per 1/PPS s, never more than the burst")
    func refill() {
        let table = RateLimitTable(rate: RateLimit(pps: 10, burst: 3))
        let now = Self.start
        #expect((0..<3).allSatisfy { _ in table.admits(Self.key(1), now: now) })
        #expect(!table.admits(Self.key(1), now: now), "the burst is spent")
        // 100 ms: one token.
        #expect(table.admits(Self.key(1), now: now + Self.second / 10))
        #expect(!table.admits(Self.key(1), now: now + Self.second / 10))
        // An hour later: the burst again, and no more.
        let later = now + 3600 * Self.second
        #expect((0..<3).allSatisfy { _ in table.admits(Self.key(1), now: later) })
        #expect(!table.admits(Self.key(1), now: later))
        // Another prefix has its own bucket.
        #expect(table.admits(Self.key(2), now: later))
    }

    @Test("A train takes one token per datagram, and only when the bucket holds them all")
    func trains() {
        let table = RateLimitTable(rate: RateLimit(pps: 10, burst: 10))
        #expect(table.admits(Self.key(1), now: Self.start, tokens: 8))
        #expect(!table.admits(Self.key(1), now: Self.start, tokens: 3))
        #expect(table.admits(Self.key(1), now: Self.start, tokens: 2))
        #expect(!table.admits(Self.key(1), now: Self.start))
    }

    @Test("A flood of distinct sources never grows the table, and evicts only what forgetting lets through")
    func floodIsBounded() {
        let table = RateLimitTable(rate: RateLimit(pps: 1, burst: 2))
        #expect(table.capacity == RateLimit.tableCapacity)
        // A prefix that spent its burst...
        #expect(table.admits(Self.key(-1), now: Self.start) && table.admits(Self.key(-1), now: Self.start))
        #expect(!table.admits(Self.key(-1), now: Self.start))
        // ...then 25 times the table's size in one-shot sources, within the same second.
        var refused = 0
        var largest = 0
        for index in 0..<(25 * table.capacity) where !table.admits(Self.key(index), now: Self.start + UInt64(index)) {
            refused += 1
            largest = max(largest, table.occupied)
        }
        largest = max(largest, table.occupied)
        #expect(refused == 0, "a new source has its burst")
        #expect(largest <= table.capacity)
        #expect(table.capacity == RateLimit.tableCapacity, "fixed")
        #expect(table.occupied <= table.capacity)
        #expect(table.evictions > 0, "the flood evicted one-shot sources")
        // The spent prefix's bucket is the fullest-from-empty of its probe window: kept, still spent.
        #expect(!table.admits(Self.key(-1), now: Self.start + 1_000))
        // A second later the one-shot sources' buckets are full again, as good as empty slots.
        #expect(table.admits(Self.key(-1), now: Self.start + Self.second + 1_000))
    }

    @Test("Prefix keys: /32 and /64 by default, shorter ones group, IPv4-mapped IPv6 is IPv4")
    func prefixKeys() throws {
        let a = try SocketAddress(parsing: "198.18.1.2:53")
        let b = try SocketAddress(parsing: "198.18.1.3:9")
        #expect(a.prefixKey(v4Bits: 32, v6Bits: 64) != b.prefixKey(v4Bits: 32, v6Bits: 64))
        #expect(a.prefixKey(v4Bits: 24, v6Bits: 64) == b.prefixKey(v4Bits: 24, v6Bits: 64))
        let mapped = try SocketAddress(parsing: "[::ffff:198.18.1.2]:7")
        #expect(mapped.prefixKey(v4Bits: 32, v6Bits: 64) == a.prefixKey(v4Bits: 32, v6Bits: 64))
        let x = try SocketAddress(parsing: "[fd00:1:2:3::1]:1")
        let y = try SocketAddress(parsing: "[fd00:1:2:3:ffff::2]:1")
        let z = try SocketAddress(parsing: "[fd00:1:2:4::1]:1")
        #expect(x.prefixKey(v4Bits: 32, v6Bits: 64) == y.prefixKey(v4Bits: 32, v6Bits: 64))
        #expect(x.prefixKey(v4Bits: 32, v6Bits: 64) != z.prefixKey(v4Bits: 32, v6Bits: 64))
        #expect(x.prefixKey(v4Bits: 32, v6Bits: 128) != y.prefixKey(v4Bits: 32, v6Bits: 128))
    }

    @Test("--rate-limit and --rate-limit-prefix parse, refuse nonsense, and go through the table")
    func options() throws {
        #expect(try RateLimit(parsing: "100") == RateLimit(pps: 100, burst: 100))
        #expect(try RateLimit(parsing: "100/20").description == "100/20")
        for bad in ["", "0", "x", "10/", "10/0", "1/2/3"] {
            #expect(throws: RateLimit.ParseError.self) { try RateLimit(parsing: bad) }
        }
        #expect(try SourcePrefix(parsing: "24/56") == SourcePrefix(v4: 24, v6: 56))
        for bad in ["24", "33/64", "24/129", "a/b"] {
            #expect(throws: SourcePrefix.ParseError.self) { try SourcePrefix(parsing: bad) }
        }
        var spec = EngineSpec()
        try spec.set(.rateLimit, to: .text("50/10"))
        try spec.set(.rateLimitPrefix, to: .text("24/48"))
        try spec.set(.rateLimitTotal, to: .integer(1000))
        #expect(spec.rateLimit == RateLimit(pps: 50, burst: 10) && spec.rateLimitTotal == 1000)
        #expect(EngineOption.rateLimitPrefix.value(in: spec) == .text("24/48"))
        #expect(spec.isRateLimited)
    }

    @Test("The journal's warning is for echo engines others can reach with no rate limit")
    func exposure() throws {
        #expect(!EngineSpec(bind: .init(loopbackPort: 2000)).isExposedWithoutRateLimit)
        let wildcard = try SocketAddress(parsing: "0.0.0.0:2000")
        #expect(EngineSpec(bind: wildcard).isExposedWithoutRateLimit)
        #expect(!EngineSpec(bind: wildcard, rateLimit: RateLimit(pps: 100)).isExposedWithoutRateLimit)
        #expect(!EngineSpec(bind: wildcard, rateLimitTotal: 10_000).isExposedWithoutRateLimit)
        #expect(!EngineSpec(kind: .multisocket, bind: wildcard).isExposedWithoutRateLimit)
        #expect(EngineSpec(bind: try SocketAddress(parsing: "[::]:2000")).isExposedWithoutRateLimit)
    }
}
