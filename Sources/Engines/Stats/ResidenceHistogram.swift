import Histogram
import Synchronization
import UDPLabProtocol

/// How long datagrams waited between their receive and their echo, in nanoseconds.
///
/// The engine's loop records into fixed log-linear buckets (32 per power of two, ±1.6 %) with
/// plain atomic stores: no lock and no allocation per datagram. Readers fold the buckets into
/// an HdrHistogram for percentiles, from any thread, at any time.
public final class ResidenceHistogram: Sendable {
    /// Values below this are counted exactly, one bucket each.
    private static let linearLimit: UInt64 = 64
    /// log2 of the number of sub-buckets per power of two above ``linearLimit``.
    private static let subBucketBits = 5
    private static let bucketCount = 64 + (64 - 6) * 32

    // Allocated once and only ever accessed through the atomics it holds.
    nonisolated(unsafe) private let buckets: UnsafeMutablePointer<Atomic<UInt64>>
    private let maximum = Atomic<UInt64>(0)

    /// An empty histogram.
    public init() {
        buckets = .allocate(capacity: Self.bucketCount)
        for index in 0..<Self.bucketCount {
            (buckets + index).initialize(to: Atomic(0))
        }
    }

    deinit {
        buckets.deinitialize(count: Self.bucketCount)
        buckets.deallocate()
    }

    /// Records one residence time. Only the engine's loop thread may call this (single writer).
    @inline(__always)
    public func record(nanoseconds value: UInt64) {
        let bucket = buckets + Self.index(of: value)
        bucket.pointee.store(bucket.pointee.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
        if value > maximum.load(ordering: .relaxed) {
            maximum.store(value, ordering: .relaxed)
        }
    }

    /// The bucket of `value`: exact below 64, then 32 buckets per power of two.
    @inline(__always)
    static func index(of value: UInt64) -> Int {
        if value < linearLimit {
            return Int(value)
        }
        let exponent = 63 - value.leadingZeroBitCount  // ≥ 6
        let shift = exponent - subBucketBits
        let subBucket = Int((value >> UInt64(shift)) & 31)
        return 64 + (exponent - 6) * 32 + subBucket
    }

    /// The middle of the values bucket `index` holds: what a sample in it is taken to be.
    static func representativeValue(of index: Int) -> UInt64 {
        if index < Int(linearLimit) {
            return UInt64(index)
        }
        let exponent = (index - 64) / 32 + 6
        let subBucket = UInt64((index - 64) % 32)
        let shift = UInt64(exponent - subBucketBits)
        let low = (32 + subBucket) << shift
        return low + (1 << shift) / 2
    }

    /// The percentiles of everything recorded so far.
    public func summary() -> ResidenceSummary { Self.summary(of: [self]) }

    /// The percentiles of everything `histograms` recorded so far, together: an engine's lanes.
    public static func summary(of histograms: [ResidenceHistogram]) -> ResidenceSummary {
        var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
        var total: UInt64 = 0
        for index in 0..<Self.bucketCount {
            let count = histograms.reduce(UInt64(0)) { $0 + ($1.buckets + index).pointee.load(ordering: .relaxed) }
            if count > 0 {
                _ = histogram.record(Self.representativeValue(of: index), count: count)
                total += count
            }
        }
        guard total > 0 else { return .empty }
        let maximum = histograms.map { $0.maximum.load(ordering: .relaxed) }.max() ?? 0
        return ResidenceSummary(
            count: total,
            p50: min(histogram.valueAtPercentile(50), maximum),
            p99: min(histogram.valueAtPercentile(99), maximum),
            p999: min(histogram.valueAtPercentile(99.9), maximum),
            max: maximum
        )
    }

    /// What `histograms` recorded so far, together, in Prometheus' buckets
    /// (``ResidenceBuckets/boundsNanoseconds``): each fine bucket counts in the bucket its middle
    /// falls in, and adds its middle times its count to that bucket's sum.
    public static func buckets(of histograms: [ResidenceHistogram]) -> ResidenceBuckets {
        let bounds = ResidenceBuckets.boundsNanoseconds
        var result = ResidenceBuckets.empty
        var target = 0
        for index in 0..<Self.bucketCount {
            let count = histograms.reduce(UInt64(0)) { $0 &+ ($1.buckets + index).pointee.load(ordering: .relaxed) }
            guard count > 0 else { continue }
            let value = Self.representativeValue(of: index)
            // Fine buckets come in increasing order, so the target bucket only moves up.
            while target < bounds.count && value > bounds[target] { target += 1 }
            result.counts[target] &+= count
            result.sums[target] += Double(value) * Double(count) / 1e9
        }
        return result
    }
}
