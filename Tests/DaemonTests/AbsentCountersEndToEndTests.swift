import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

/// What `udplabctl stats` shows of a `nio` engine, from a real daemon: the loop counters
/// SwiftNIO's backend cannot see are absent on the wire and `n/a` in the table, not 0.
@Suite("Absent counters end to end", .serialized)
final class AbsentCountersEndToEndTests {
    let daemon: DaemonHarness

    init() throws {
        daemon = try DaemonHarness()
        try daemon.start()
    }

    @Test("stats of a nio engine: n/a for wakeups and syscalls per datagram; the JSON leaves them out")
    func nioStats() throws {
        let started = try daemon.ctlJSON(
            ["start", "echo", "--name", "n", "--backend", "nio", "--bind", "127.0.0.1:0", "--transient"],
            as: StartMethod.Reply.self
        )
        let address = try SocketAddress(parsing: started.engine.address)
        let client = try UDPSocket(binding: .init(loopbackPort: 0))
        _ = try [1, 2, 3].withUnsafeBytes { try client.send($0, to: address) }
        var buffer = [UInt8](repeating: 0, count: 16)
        let deadline = ContinuousClock.now + .seconds(5)
        var echoed = false
        while !echoed, ContinuousClock.now < deadline {
            if case .processed = try buffer.withUnsafeMutableBytes({ try client.receive(into: $0) }) { echoed = true }
        }
        #expect(echoed)

        let (status, stdout, stderr) = try daemon.ctl(["--json", "stats", "n"])
        #expect(status == 0, "\(stderr)")
        let reply = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
        let engine = (reply?["engines"] as? [[String: Any]])?.first
        let counters = engine?["counters"] as? [String: Any] ?? [:]
        #expect(counters["rx_datagrams"] as? Int == 1)
        for counter in LoopCounter.allCases {
            #expect(counters[counter.rawValue] == nil, "\(counter.rawValue) is left out")
        }

        let table = try daemon.ctl(["stats", "n"]).stdout.split(separator: "\n")
        for label in ["wakeups/datagram", "syscalls/datagram", "events"] {
            let row = table.first { $0.hasPrefix(label + " ") } ?? ""
            #expect(row.hasSuffix("n/a"), "\(row)")
        }
    }
}
