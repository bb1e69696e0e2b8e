/// An engine's residence times folded into Prometheus' buckets: for each upper bound of
/// ``boundsNanoseconds`` (and one more, past the last), how many datagrams fell in it and the sum
/// of their times.
///
/// The engine's own histogram has 32 buckets per power of two (±1.6 %); a datagram counts in the
/// Prometheus bucket its fine bucket's middle falls in, and sums use those middles, so both are
/// within 1.6 % of the exact figures.
public struct ResidenceBuckets: Sendable, Equatable {
    /// The buckets' upper bounds, in nanoseconds: 1 µs to 1 s, 1–2.5–5 per decade.
    public static let boundsNanoseconds: [UInt64] = [
        1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000,
        10_000_000, 25_000_000, 50_000_000, 100_000_000, 250_000_000, 500_000_000, 1_000_000_000,
    ]

    /// The bounds in seconds, as Prometheus' `le` labels have them.
    public static var boundsSeconds: [Double] { boundsNanoseconds.map { Double($0) / 1e9 } }

    /// Datagrams per bucket (not cumulative): one per bound, then those above the last.
    public var counts: [UInt64]
    /// The sum of each bucket's times, in seconds.
    public var sums: [Double]

    public init(counts: [UInt64], sums: [Double]) {
        self.counts = counts
        self.sums = sums
    }

    /// Nothing recorded.
    public static var empty: ResidenceBuckets {
        ResidenceBuckets(
            counts: Array(repeating: 0, count: boundsNanoseconds.count + 1),
            sums: Array(repeating: 0, count: boundsNanoseconds.count + 1)
        )
    }

    /// Datagrams at or below each bound, then all of them (`le="+Inf"`): Prometheus' buckets.
    public var cumulativeCounts: [UInt64] {
        var total: UInt64 = 0
        return counts.map { count in
            total &+= count
            return total
        }
    }
}
