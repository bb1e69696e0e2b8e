import Foundation
import Testing
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol

/// `udplabctl bench --hgrm FILE` as a user runs it, the binary against a real echo engine: the
/// file's total count is the run's received echoes; a path that cannot be created fails with
/// status 73 and a message before a single request is sent.
@Suite("udplabctl bench --hgrm end to end", .serialized)
struct BenchHgrmEndToEndTests {
    @Test("bench --hgrm writes the percentile distribution of the echoes it counted, in µs")
    func writesFile() throws {
        let engine = try Engine.start(EngineSpec(bind: .init(loopbackPort: 0)))
        defer { engine.stop() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("udplab-e2e-\(UUID()).hgrm").path
        defer { AtomicFile.remove(path) }
        let (status, stdout, stderr) = try ChildProcess.run(
            ChildProcess.productPath("udplabctl"),
            ["bench", "\(engine.localAddress)", "--duration", "300ms", "--warmup", "0", "--json", "--hgrm", path]
        )
        #expect(status == 0, "\(stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
        let received = try #require(report?["received"] as? Int, "\(stdout)")
        let p50 = try #require(report?["rtt_p50_us"] as? Double, "\(stdout)")
        #expect(received > 100)

        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.first?.split(separator: " ") == ["Value", "Percentile", "TotalCount", "1/(1-Percentile)"])
        // "#[Max     =      123.455, Total count    =         1234]"
        let footer = try #require(lines.first { $0.hasPrefix("#[Max") }, "\(lines)")
        #expect(footer.split(separator: "=").last?.split(separator: " ").first == "\(received)]")
        // The first row at or past 50 % is bench's p50 (both µs; the JSON rounds to 0.1 µs).
        let median = try #require(
            lines.map { $0.split(separator: " ") }.first { $0.count == 4 && (Double($0[1]) ?? 0) >= 0.5 }
        )
        let value = try #require(Double(median[0]))
        #expect(abs(value - p50) <= 0.06, "\(median) vs rtt_p50_us \(p50)")
    }

    @Test(
        "An --hgrm path that cannot be created: status 73, a message naming it, nothing sent",
        arguments: [
            "/nonexistent-udplab-dir/run.hgrm", "/tmp",
        ]
    )
    func unwritablePath(path: String) throws {
        let engine = try Engine.start(EngineSpec(bind: .init(loopbackPort: 0)))
        defer { engine.stop() }
        let (status, stdout, stderr) = try ChildProcess.run(
            ChildProcess.productPath("udplabctl"),
            ["bench", "\(engine.localAddress)", "--duration", "5s", "--hgrm", path]
        )
        #expect(status == 73)
        #expect(stdout.isEmpty)
        #expect(stderr.hasPrefix("udplabctl: cannot write --hgrm \(path): "), "\(stderr)")
        #expect(stderr.contains(path == "/tmp" ? "Is a directory" : "No such file or directory"), "\(stderr)")
        #expect(engine.counterSnapshot().rxDatagrams == 0)
    }
}
