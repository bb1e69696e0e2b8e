import UDPLabProtocol

/// The per-prefix token buckets of `--rate-limit`: a table of fixed size, allocated once, that
/// spoofed sources can only evict from, never grow, as BIND's RRL table is bounded
/// (`max-table-size`).
///
/// Open addressing over `capacity` slots (a power of two), each a 128-bit prefix key
/// (``UDPLabOS/SocketAddress/prefixKey(v4Bits:v6Bits:)``) and its bucket's arrival time
/// (``TokenBucket``; 0 marks an empty slot). A key's home slot comes from Swift's `Hasher`,
/// which is SipHash keyed with a random per-process seed, so a sender cannot choose sources that
/// all land on one slot. A lookup probes at most ``probeLimit`` slots: the key's own, else an
/// empty slot or one whose bucket is full again (its arrival time has passed: forgetting it
/// changes nothing), else it evicts the slot whose bucket is closest to full. An evicted
/// prefix starts again with a full bucket: a flood of spoofed sources can at worst make the
/// table forget, which lets a real prefix through, never block it, and never costs memory.
public final class RateLimitTable {
    /// Slots by default: ``RateLimit/tableCapacity``, 4096 (96 KiB of keys and arrival times).
    public static let defaultCapacity = RateLimit.tableCapacity
    /// Slots looked at per lookup.
    public static let probeLimit = 8

    /// Slots; never changes.
    public let capacity: Int
    private let mask: Int
    private let keys: UnsafeMutablePointer<(UInt64, UInt64)>
    private let arrivals: UnsafeMutablePointer<UInt64>
    private let bucket: TokenBucket
    /// Slots in use.
    public private(set) var occupied = 0
    /// Prefixes evicted to make room for another.
    public private(set) var evictions: UInt64 = 0

    /// A table of `capacity` slots (rounded up to a power of two, at least ``probeLimit``) of
    /// buckets of `rate`.
    public init(rate: RateLimit, capacity: Int = RateLimitTable.defaultCapacity) {
        var slots = Self.probeLimit
        while slots < capacity { slots <<= 1 }
        self.capacity = slots
        mask = slots - 1
        keys = .allocate(capacity: slots)
        keys.initialize(repeating: (0, 0), count: slots)
        arrivals = .allocate(capacity: slots)
        arrivals.initialize(repeating: 0, count: slots)
        bucket = TokenBucket(rate)
    }

    deinit {
        keys.deallocate()
        arrivals.deallocate()
    }

    /// Takes `tokens` tokens (datagrams) at `now` (nanoseconds, above 0) from the bucket of
    /// prefix `key`.
    ///
    /// - Returns: `true` when the prefix had them (the datagrams may be echoed).
    public func admits(_ key: (high: UInt64, low: UInt64), now: UInt64, tokens: UInt64 = 1) -> Bool {
        var hasher = Hasher()
        hasher.combine(key.high)
        hasher.combine(key.low)
        let home = hasher.finalize() & mask
        var victim = home
        var victimArrival = UInt64.max
        for step in 0..<Self.probeLimit {
            let slot = (home + step) & mask
            let arrival = arrivals[slot]
            if arrival != 0 && keys[slot] == (key.high, key.low) {
                return bucket.take(arrival: &arrivals[slot], now: now, tokens: tokens)
            }
            // An empty slot, or one whose bucket is full again, is as good as empty: the first
            // one is taken, unless the key turns up further on.
            if arrival <= now && victimArrival != 0 {
                victim = slot
                victimArrival = 0
                if arrival == 0 { break }
            } else if arrival < victimArrival {
                victim = slot
                victimArrival = arrival
            }
        }
        if arrivals[victim] == 0 {
            occupied += 1
        } else if victimArrival != 0 {
            evictions += 1
        }
        keys[victim] = (key.high, key.low)
        arrivals[victim] = 0
        return bucket.take(arrival: &arrivals[victim], now: now, tokens: tokens)
    }
}
