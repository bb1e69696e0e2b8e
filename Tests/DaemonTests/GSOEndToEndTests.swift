import Foundation
import Testing
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol

/// Backend gso through a real daemon: `udplabctl backends` lists it, `udplabctl start --backend
/// gso` runs it, and a GSO train's counters reach `udplabctl stats` (wire and table).
@Suite("Backend gso end to end", .serialized)
final class GSOEndToEndTests {
    let daemon: DaemonHarness

    init() throws {
        daemon = try DaemonHarness()
        try daemon.start()
    }

    @Test("backends lists gso as available; a train of 8 to a gso engine shows gro_buffers 1, gso_sends 1 in stats")
    func trainReachesStats() throws {
        let backends = try daemon.ctlJSON(["backends"], as: BackendsMethod.Reply.self).backends
        let gso = try #require(backends.first { $0.name == "gso" })
        #expect(gso.available)
        #expect(gso.summary == Backend.gso.traits.summary)

        let started = try daemon.ctlJSON(
            ["start", "echo", "--name", "g", "--backend", "gso", "--bind", "127.0.0.1:0", "--transient"],
            as: StartMethod.Reply.self
        )
        let address = try SocketAddress(parsing: started.engine.address)
        let client = try UDPSocket(binding: .init(loopbackPort: 0))
        let train = [UInt8](repeating: 0x5A, count: 8 * 100)
        let sent = try train.withUnsafeBytes { try client.send($0, segmentSize: 100, to: address) }
        guard case .processed(let count) = sent else {
            Issue.record("the GSO send would block")
            return
        }
        #expect(count == 800)

        let deadline = ContinuousClock.now + .seconds(10)
        var counters = try daemon.ctlJSON(["stats", "g"], as: StatsMethod.Reply.self).engines[0].counters
        while counters.txDatagrams < 8, ContinuousClock.now < deadline {
            counters = try daemon.ctlJSON(["stats", "g"], as: StatsMethod.Reply.self).engines[0].counters
        }
        #expect(counters.rxDatagrams == 8)
        #expect(counters.txDatagrams == 8)
        #expect(counters.groBuffers == 1)
        #expect(counters.gsoSends == 1)
        #expect(counters.gsoFallbacks == 0)

        let table = try daemon.ctl(["stats", "g"]).stdout.split(separator: "\n")
        let row = table.first { $0.hasPrefix("gro buffers ") } ?? ""
        #expect(row.hasSuffix(" 1"), "\(row)")
    }

    @Test("--queue is refused on gso, saying why")
    func refusedOptions() throws {
        let (status, _, stderr) = try daemon.ctl([
            "start", "echo", "--name", "q", "--backend", "gso", "--queue", "4", "--bind", "127.0.0.1:0",
        ])
        #expect(status != 0)
        #expect(stderr.contains("--queue does not apply to backend gso"), "\(stderr)")
    }
}

/// `udplabd run echo --backend gso`, as a user would run it: its trace and its summary.
@Suite("udplabd run --backend gso")
struct GSORunCommandTests {
    @Test("A train of 4 is traced as one GRO buffer and the summary gives gro buffers 1, gso sends 1")
    func summaryShowsOffload() throws {
        let child = try ChildProcess(udplabd: ["run", "echo", "--backend", "gso", "--bind", "127.0.0.1:0", "--trace"])
        let listening = try child.waitForLine { $0.hasPrefix("listening on ") }
        #expect(listening.hasSuffix("(backend gso)"))
        let addressText = listening.dropFirst("listening on ".count).split(separator: " ")[0]
        let address = try SocketAddress(parsing: String(addressText))

        let client = try UDPSocket(binding: .init(loopbackPort: 0))
        let train = [UInt8](repeating: 7, count: 4 * 50)
        _ = try train.withUnsafeBytes { try client.send($0, segmentSize: 50, to: address) }
        _ = try child.waitForLine { $0.hasPrefix("sent 200 bytes to \(client.localAddress)") }
        #expect(child.stdout.contains("recv 200 bytes (GRO: 4 of 50) from \(client.localAddress)."))

        child.interrupt()
        #expect(try child.waitForExit() == 0)
        let summary = child.stdout
        #expect(summary.contains("rx 4 datagrams, 200 bytes; tx 4 datagrams, 200 bytes"), "\(summary)")
        #expect(summary.contains("gro buffers 1 (0.25/datagram), gso sends 1, gso fallbacks 0\n"), "\(summary)")
    }
}
