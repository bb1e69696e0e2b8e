import Histogram

/// Round-trip-time percentiles of one run, in nanoseconds, read from an HdrHistogram.
struct LatencySummary: Equatable, Sendable {
    /// The median.
    let p50: UInt64
    /// The 90th percentile.
    let p90: UInt64
    /// The 99th percentile.
    let p99: UInt64
    /// The 99.9th percentile.
    let p99_9: UInt64
    /// The largest round trip recorded.
    let max: UInt64

    /// The given percentiles.
    init(p50: UInt64, p90: UInt64, p99: UInt64, p99_9: UInt64, max: UInt64) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p99_9 = p99_9
        self.max = max
    }

    /// The percentiles of `histogram`, or `nil` when it holds no values.
    ///
    /// HdrHistogram keeps three significant digits, so each value is within 0.1 % of the truth.
    init?(_ histogram: Histogram<UInt64>) {
        guard histogram.totalCount > 0 else { return nil }
        self.init(
            p50: histogram.valueAtPercentile(50),
            p90: histogram.valueAtPercentile(90),
            p99: histogram.valueAtPercentile(99),
            p99_9: histogram.valueAtPercentile(99.9),
            max: histogram.max
        )
    }
}
