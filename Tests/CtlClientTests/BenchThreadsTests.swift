import Testing
import UDPLabOS

@testable import CtlClient

/// `udplabctl bench --threads N`: N client threads with their own sockets, one summed report.
@Suite("Bench threads", .serialized)
struct BenchThreadsTests {
    @Test("2 threads × 2 sockets: 4 flows reach the server, every request echoed and counted once")
    func twoThreads() throws {
        let server = try BenchEchoServer()
        defer { server.stop() }
        let configuration = try BenchConfiguration(
            target: server.address,
            mode: .window(outstanding: 8),
            duration: .milliseconds(300),
            warmup: .zero,
            sockets: 2,
            threads: 2
        )
        let result = try ThreadedLoad.run(configuration)
        #expect(server.sourcePorts.count == 4)
        #expect(result.configuration.flows == 4)
        #expect(result.sent > 100)
        #expect(result.received + result.lost == result.sent)
        #expect(result.lost == 0)
        #expect([result.late, result.duplicates, result.invalid, result.errors] == [0, 0, 0, 0])
        // Every reply the server sent was counted by exactly one thread (no warm-up here).
        #expect(server.echoedCount >= result.received)
        let latency = try #require(result.latency)
        #expect(latency.p50 > 0 && latency.p50 <= latency.max)
    }

    @Test("--rate is shared out: the remainder goes to the first threads")
    func rateShares() throws {
        let configuration = try BenchConfiguration(
            target: SocketAddress(loopbackPort: 9),
            mode: .rate(perSecond: 1001),
            threads: 3
        )
        #expect(
            (0..<3).map { configuration.thread($0).mode } == [
                .rate(perSecond: 334), .rate(perSecond: 334), .rate(perSecond: 333),
            ]
        )
        #expect((0..<3).allSatisfy { configuration.thread($0).threads == 1 })
    }

    @Test(
        "Bad --threads is a usage error",
        arguments: [
            ["bench", "127.0.0.1:9", "--threads", "0"],
            ["bench", "127.0.0.1:9", "--threads", "65"],
            ["bench", "127.0.0.1:9", "--mode", "rate", "--rate", "1", "--threads", "2"],
        ]
    )
    func rejects(arguments: [String]) {
        #expect {
            _ = try UdplabCtl.parseAsRoot(arguments)
        } throws: { error in
            UdplabCtl.exitCode(for: error) == .validationFailure
        }
    }

    @Test("The report names threads and flows")
    func report() throws {
        let configuration = try BenchConfiguration(target: SocketAddress(loopbackPort: 9), sockets: 3, threads: 2)
        let result = BenchResult(
            configuration: configuration,
            sent: 0,
            received: 0,
            lost: 0,
            late: 0,
            duplicates: 0,
            invalid: 0,
            unsent: 0,
            errors: 0,
            latency: nil
        )
        #expect(BenchView.text(result).contains("from 2 threads × 3 sockets (6 flows)"))
        let json = BenchView.json(result)
        #expect(json.contains("\"threads\":2") && json.contains("\"flows\":6"), "\(json)")
    }
}
