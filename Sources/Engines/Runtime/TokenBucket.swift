import UDPLabProtocol

/// A token bucket kept as one number, its theoretical arrival time (the GCRA form of ATM's
/// policers, and of BIND's RRL credit): a bucket of `burst` tokens that gains one every
/// `interval` nanoseconds is the time `tat` at which it would be full again, and a datagram at
/// `now` may take a token while `tat - now` is at most `(burst - 1) × interval`. Integer
/// arithmetic, no refill loop, no allocation.
public struct TokenBucket: Sendable {
    /// Nanoseconds per token: 1 s / PPS.
    public let interval: UInt64
    /// How far ahead of `now` the arrival time may run: `(burst - 1) × interval`.
    public let tolerance: UInt64
    /// This bucket's own arrival time (for a single bucket, such as the global cap).
    private var arrival: UInt64 = 0

    /// A bucket that gains `rate.pps` tokens a second and holds `rate.burst`.
    public init(_ rate: RateLimit) {
        interval = max(1, 1_000_000_000 / UInt64(max(1, rate.pps)))
        tolerance = UInt64(max(0, rate.burst - 1)) * interval
    }

    /// Takes `tokens` tokens at `now` from the bucket whose arrival time is `arrival` (0: a new,
    /// full bucket): `true`, with `arrival` moved on, when it had them; `false`, unchanged, when
    /// not.
    @inline(__always)
    public func take(arrival: inout UInt64, now: UInt64, tokens: UInt64 = 1) -> Bool {
        let start = max(arrival, now)
        let cost = interval &* max(tokens, 1)
        guard start - now + (cost - interval) <= tolerance else { return false }
        arrival = start + cost
        return true
    }

    /// Takes `tokens` tokens from this bucket's own arrival time.
    @inline(__always)
    public mutating func take(now: UInt64, tokens: UInt64 = 1) -> Bool {
        var own = arrival
        defer { arrival = own }
        return take(arrival: &own, now: now, tokens: tokens)
    }
}
