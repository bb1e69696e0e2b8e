import Testing

@testable import UDPLabEngineKit
@testable import UDPLabProtocol

@Suite("Residence histogram")
struct ResidenceHistogramTests {
    @Test("Every value falls in a bucket whose representative is within 1.6 %")
    func bucketPrecision() {
        for value: UInt64 in [0, 1, 63, 64, 65, 100, 1_000, 12_345, 1_000_000, 987_654_321, 1 << 40, UInt64.max / 3] {
            let representative = ResidenceHistogram.representativeValue(of: ResidenceHistogram.index(of: value))
            let error = abs(Double(representative) - Double(value)) / max(Double(value), 1)
            #expect(error <= 0.016, "value \(value) → \(representative)")
        }
    }

    @Test("Percentiles follow what was recorded, and max is exact")
    func percentiles() {
        let histogram = ResidenceHistogram()
        #expect(histogram.summary() == ResidenceSummary(count: 0, p50: 0, p99: 0, p999: 0, max: 0))
        for value in 1...1000 {
            histogram.record(nanoseconds: UInt64(value) * 1000)
        }
        let summary = histogram.summary()
        #expect(summary.count == 1000)
        #expect(summary.max == 1_000_000)
        #expect(abs(Double(summary.p50) - 500_000) / 500_000 < 0.02)
        #expect(abs(Double(summary.p99) - 990_000) / 990_000 < 0.02)
        #expect(summary.p999 <= summary.max)
    }
}
