import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

/// `udplabctl start echo --threads 2 --steer cpu` through a real daemon: stats show each thread's
/// share (wire and table), and the engine comes back with its threads after a restart.
@Suite("Engine threads end to end", .serialized)
final class ThreadsEndToEndTests {
    let daemon: DaemonHarness

    init() throws {
        daemon = try DaemonHarness()
        try daemon.start()
    }

    @Test("Two threads on one port: stats sum them and show each one's share; a restart keeps them")
    func threadsInStatsAndAcrossRestart() throws {
        let started = try daemon.ctlJSON(
            ["start", "echo", "--name", "t", "--threads", "2", "--steer", "cpu", "--bind", "127.0.0.1:0"],
            as: StartMethod.Reply.self
        )
        let address = try SocketAddress(parsing: started.engine.address)
        #expect(started.engine.addresses == [started.engine.address, started.engine.address])
        #expect(started.engine.threads == 2 && started.engine.steer == "cpu")
        let confirmation = try daemon.ctl(["start", "echo", "--name", "u", "--threads", "3", "--bind", "127.0.0.1:0"])
        #expect(
            confirmation.stdout.hasPrefix("started u (echo, reactor-edge, 3 threads, steer hash) on 127.0.0.1:"),
            "\(confirmation.stdout)"
        )

        // 8 flows, one datagram each (a socket's echo is counted sent whether or not it is read).
        for _ in 0..<8 {
            let client = try UDPSocket(binding: .init(loopbackPort: 0))
            _ = try [UInt8](repeating: 1, count: 16).withUnsafeBytes { try client.send($0, to: address) }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        var stats = try daemon.ctlJSON(["stats", "t"], as: StatsMethod.Reply.self).engines[0]
        while stats.counters.txDatagrams < 8, ContinuousClock.now < deadline {
            stats = try daemon.ctlJSON(["stats", "t"], as: StatsMethod.Reply.self).engines[0]
        }
        #expect(stats.counters.rxDatagrams == 8 && stats.counters.txDatagrams == 8)
        #expect(stats.sockets.map(\.thread) == [0, 1])
        #expect(stats.sockets.map(\.rxDatagrams).reduce(0, +) == 8)
        let table = try daemon.ctl(["stats", "t"]).stdout
        #expect(table.contains("rx on thread 0") && table.contains("rx on thread 1"), "\(table)")

        #expect(try daemon.stop() == 0)
        try daemon.start()
        let listed = try daemon.ctlJSON(["list"], as: ListMethod.Reply.self).engines
        let restored = try #require(listed.first { $0.name == "t" })
        #expect(restored.state == "running")
        #expect(restored.addresses.count == 2, "both threads back: \(restored.addresses)")
    }

    @Test("--threads is refused on nio, saying why")
    func refusedOnNIO() throws {
        let (status, _, stderr) = try daemon.ctl([
            "start", "echo", "--name", "n", "--backend", "nio", "--threads", "2", "--bind", "127.0.0.1:0",
        ])
        #expect(status != 0)
        #expect(
            stderr.contains("--threads does not apply to backend nio: SwiftNIO runs its own event loops"),
            "\(stderr)"
        )
    }
}
