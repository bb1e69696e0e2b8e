import Testing
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol

@testable import CtlClient

/// `udplabctl bench --gso N`: trains of N requests in one UDP_SEGMENT send, replies read with
/// UDP_GRO; each request still timed and counted on its own.
@Suite("Bench GSO trains", .serialized)
struct BenchGSOTests {
    /// Runs `--gso train` window load against `engine` for 300 ms, no warm-up.
    private func run(against engine: Engine, train: Int, window: Int = 64) throws -> BenchResult {
        let configuration = try BenchConfiguration(
            target: engine.localAddress,
            mode: .window(outstanding: window),
            duration: .milliseconds(300),
            warmup: .zero,
            train: train
        )
        return try ThreadedLoad.run(configuration)
    }

    @Test(
        "Against gso: trains arrive whole (gro buffers, gso sends), every request echoed and counted",
        arguments: [2, 16, 64]
    )
    func againstGSO(train: Int) throws {
        let engine = try Engine.start(EngineSpec(backend: .gso, bind: SocketAddress(loopbackPort: 0)))
        defer { engine.stop() }
        let result = try run(against: engine, train: train)
        #expect(result.sent > 100 && result.sent % train == 0, "\(result)")
        #expect(result.received == result.sent)
        #expect(result.lost == 0)
        #expect([result.late, result.duplicates, result.invalid, result.errors] == [0, 0, 0, 0])
        let counters = engine.counterSnapshot()
        #expect(counters.rxDatagrams == UInt64(result.sent))
        // Over loopback a GSO train reaches the UDP_GRO socket as one buffer.
        #expect(counters.groBuffers > 0 && counters.groBuffers <= counters.rxDatagrams / UInt64(train), "\(counters)")
        #expect(counters.gsoSends > 0)
    }

    @Test("Against a backend without GRO: the kernel cuts each train into datagrams, all echoed one by one")
    func againstEpollEdge() throws {
        let engine = try Engine.start(EngineSpec(backend: .epollEdge, bind: SocketAddress(loopbackPort: 0)))
        defer { engine.stop() }
        let result = try run(against: engine, train: 8)
        #expect(result.sent > 100)
        #expect(result.received == result.sent)
        #expect(result.lost == 0 && result.invalid == 0)
        let counters = engine.counterSnapshot()
        #expect(counters.rxDatagrams == UInt64(result.sent))
        #expect(counters.txDatagrams == UInt64(result.sent))
    }

    @Test(
        "Bad --gso is a usage error",
        arguments: [
            ["bench", "127.0.0.1:9", "--gso", "0"],
            ["bench", "127.0.0.1:9", "--gso", "65"],
            ["bench", "127.0.0.1:9", "--gso", "2", "--mode", "rate"],
            ["bench", "127.0.0.1:9", "--gso", "8", "--mode", "window", "--window", "4"],
            ["bench", "127.0.0.1:9", "--gso", "64", "--size", "1472", "--mode", "window", "--window", "64"],
        ]
    )
    func rejects(arguments: [String]) {
        #expect {
            _ = try UdplabCtl.parseAsRoot(arguments)
        } throws: { error in
            UdplabCtl.exitCode(for: error) == .validationFailure
        }
    }
}
