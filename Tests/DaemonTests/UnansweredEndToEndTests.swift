import Foundation
import Testing
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol

/// The `unanswered` counter of a `--reply sockperf` engine reaches `udplabctl stats` from a real
/// daemon: the datagrams sockperf's server would not answer are counted on the wire, not lost
/// between the engine and the client.
@Suite("Unanswered end to end", .serialized)
final class UnansweredEndToEndTests {
    let daemon: DaemonHarness

    init() throws {
        daemon = try DaemonHarness()
        try daemon.start()
    }

    @Test("Three plain datagrams to a --reply sockperf engine: unanswered 3 in stats --json and the table")
    func unansweredReachesStats() throws {
        let started = try daemon.ctlJSON(
            ["start", "echo", "--name", "sp", "--reply", "sockperf", "--bind", "127.0.0.1:0", "--transient"],
            as: StartMethod.Reply.self
        )
        let address = try SocketAddress(parsing: started.engine.address)
        let client = try UDPSocket(binding: .init(loopbackPort: 0))
        for _ in 0..<3 {
            _ = try [1, 2, 3].withUnsafeBytes { try client.send($0, to: address) }
        }
        // The engine counts each datagram as it reads it; wait (with a deadline) until all three are.
        let deadline = ContinuousClock.now + .seconds(10)
        var counters = try daemon.ctlJSON(["stats", "sp"], as: StatsMethod.Reply.self).engines[0].counters
        while counters.rxDatagrams < 3, ContinuousClock.now < deadline {
            counters = try daemon.ctlJSON(["stats", "sp"], as: StatsMethod.Reply.self).engines[0].counters
        }
        #expect(counters.rxDatagrams == 3)
        #expect(counters.unanswered == 3)
        #expect(counters.txDatagrams == 0)

        let (status, stdout, stderr) = try daemon.ctl(["--json", "stats", "sp"])
        #expect(status == 0, "\(stderr)")
        let reply = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
        let wire = ((reply?["engines"] as? [[String: Any]])?.first?["counters"] as? [String: Any]) ?? [:]
        #expect(wire["unanswered"] as? Int == 3)

        let table = try daemon.ctl(["stats", "sp"]).stdout.split(separator: "\n")
        let row = table.first { $0.hasPrefix("unanswered ") } ?? ""
        #expect(row.hasSuffix(" 3"), "\(row)")
    }
}
