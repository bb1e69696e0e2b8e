import Foundation
import Glibc
import Histogram
import Testing
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol

@testable import CtlClient

/// `udplabctl bench --hgrm FILE`: a real run against a real udplab echo engine writes
/// HdrHistogram's percentile distribution, which reads back as one (monotonic percentiles, values
/// in µs, the total count the echoes counted); a path that cannot be created fails at once.
@Suite("Bench --hgrm", .serialized)
struct BenchHgrmTests {
    /// A fresh path in the temporary directory; the test removes it.
    private static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("udplab-hgrm-\(UUID()).hgrm").path
    }

    @Test(
        "A ping-pong run's .hgrm parses back: monotonic, total count = echoes counted, p50 and max in µs",
        arguments: [1, 2]
    )
    func runWritesDistribution(threads: Int) throws {
        let engine = try Engine.start(EngineSpec(bind: .init(loopbackPort: 0)))
        defer { engine.stop() }
        let path = Self.temporaryPath()
        defer { AtomicFile.remove(path) }
        let file = try PercentileDistributionFile(creating: path)
        let configuration = try BenchConfiguration(
            target: engine.localAddress,
            mode: .pingpong,
            duration: .milliseconds(300),
            warmup: .milliseconds(50),
            threads: threads,
            replyTimeout: .milliseconds(100)
        )
        let (result, histogram) = try ThreadedLoad.recordingRun(configuration)
        try file.write(histogram)

        #expect(result.received > 100)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let distribution = try #require(PercentileDistributionText(text), "\(text)")
        #expect(distribution.columns == ["Value", "Percentile", "TotalCount", "1/(1-Percentile)"])
        let rows = distribution.rows
        #expect(rows.count > 10)
        for (previous, row) in zip(rows, rows.dropFirst()) {
            #expect(row.percentile >= previous.percentile, "\(previous) then \(row)")
            #expect(row.value >= previous.value, "\(previous) then \(row)")
            #expect(row.totalCount >= previous.totalCount, "\(previous) then \(row)")
        }
        for row in rows.dropLast() {
            let inverse = try #require(row.inverse)
            #expect(abs(inverse - 1 / (1 - row.percentile)) <= 0.01 * inverse + 0.01, "\(row)")
        }
        let last = try #require(rows.last)
        #expect(last.percentile == 1 && last.inverse == nil)
        #expect(last.totalCount == result.received)
        #expect(distribution.footer["Total count"] == String(result.received))
        #expect(distribution.footer["Buckets"] != nil && distribution.footer["SubBuckets"] != nil)

        // Values are microseconds: the max and the median are bench's own (nanoseconds) ÷ 1000.
        let latency = try #require(result.latency)
        let max = try #require(distribution.footer["Max"].flatMap(Double.init))
        #expect(abs(max - Double(latency.max) / 1000) < 0.001)
        #expect(abs(last.value - Double(latency.max) / 1000) < 0.001)
        let median = try #require(rows.first { $0.percentile >= 0.5 })
        #expect(abs(median.value - Double(latency.p50) / 1000) < 0.001, "\(median) vs p50 \(latency.p50) ns")
        #expect(median.value > 1 && median.value < 100_000, "a loopback round trip of \(median.value) µs")
    }

    @Test("An empty histogram (nothing answered) is the header and the footer with a total count of 0")
    func emptyHistogram() throws {
        let text = PercentileDistributionFile.text(of: Histogram<UInt64>(highestTrackableValue: 1_000_000))
        let distribution = try #require(PercentileDistributionText(text), "\(text)")
        #expect(distribution.rows.isEmpty)
        #expect(distribution.footer["Total count"] == "0")
    }

    @Test("An existing file is emptied first, as a shell's > would: nothing of its old content is left")
    func existingFileTruncated() throws {
        let path = Self.temporaryPath()
        defer { AtomicFile.remove(path) }
        try String(repeating: "old content\n", count: 10_000).write(toFile: path, atomically: false, encoding: .utf8)
        let histogram = Histogram<UInt64>(highestTrackableValue: 1_000_000)
        try PercentileDistributionFile(creating: path).write(histogram)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == PercentileDistributionFile.text(of: histogram))
    }

    @Test(
        "A path that cannot be created is a typed error naming it and why",
        arguments: [("/nonexistent-udplab-dir/run.hgrm", ENOENT), ("/tmp", EISDIR)]
    )
    func unwritablePath(path: String, code: Int32) {
        #expect {
            _ = try PercentileDistributionFile(creating: path)
        } throws: { error in
            guard case .histogramFile(let named, let cause) = error as? BenchError else { return false }
            return named == path && cause.code == code
                && "\(error)" == "cannot write --hgrm \(path): \(String(cString: strerror(code)))"
        }
    }
}
