import Synchronization
import Testing

@testable import CtlClient

/// The bench engine against small echo servers on loopback: counts, loss and latency.
///
/// Each run is short (at most half a second of load). The suite is serialized: the engine spins
/// on a CPU, and parallel runs on a 2-CPU machine would only slow each other.
@Suite("Bench engine", .serialized)
struct BenchTests {
    /// Runs a bench against `server` and stops the server.
    private func run(
        against server: BenchEchoServer,
        mode: LoadMode = .pingpong,
        payload: PayloadFormat = .plain,
        duration: Duration = .milliseconds(300),
        warmup: Duration = .zero,
        sockets: Int = 1,
        replyTimeout: Duration = .milliseconds(100)
    ) throws -> BenchResult {
        defer { server.stop() }
        let configuration = try BenchConfiguration(
            target: server.address,
            mode: mode,
            payload: payload,
            duration: duration,
            warmup: warmup,
            sockets: sockets,
            replyTimeout: replyTimeout
        )
        return try LoadGenerator(configuration).run()
    }

    /// The sequence number of a plain request.
    private static func sequence(of request: UnsafeMutableRawBufferPointer) -> UInt64 {
        UInt64(bigEndian: request.loadUnaligned(as: UInt64.self))
    }

    @Test("pingpong: every request is echoed and timed, nothing lost", arguments: [Duration.zero, .milliseconds(100)])
    func pingpong(warmup: Duration) throws {
        let result = try run(against: BenchEchoServer(), warmup: warmup)
        #expect(result.sent > 100)
        #expect(result.received == result.sent)
        #expect(result.lost == 0)
        #expect([result.late, result.duplicates, result.invalid, result.unsent, result.errors] == [0, 0, 0, 0, 0])
        let latency = try #require(result.latency)
        #expect(latency.p50 > 0)
        #expect(latency.p50 <= latency.p90 && latency.p90 <= latency.p99 && latency.p99 <= latency.max)
    }

    @Test("window mode over 4 sockets: every request echoed, all 4 source ports used")
    func windowOverSockets() throws {
        let server = try BenchEchoServer()
        let result = try run(against: server, mode: .window(outstanding: 16), sockets: 4)
        #expect(result.sent > 100)
        #expect(result.received == result.sent)
        #expect(result.lost == 0)
        #expect(server.sourcePorts.count == 4)
    }

    @Test(
        "loss: a server that drops every 10th request loses a tenth, each counted exactly once",
        arguments: [LoadMode.rate(perSecond: 5000), .window(outstanding: 32), .pingpong]
    )
    func loss(mode: LoadMode) throws {
        let server = try BenchEchoServer { _, request in Self.sequence(of: request) % 10 == 9 ? .drop : .echo }
        let result = try run(against: server, mode: mode, duration: .milliseconds(500), replyTimeout: .milliseconds(50))
        #expect(result.sent >= 50)
        // Sequence numbers 0..<sent, of which sent / 10 end in 9: on a quiet machine exactly those
        // are lost; a starved server may also have lost some in its full receive buffer.
        #expect(result.lost >= result.sent / 10)
        // Every request the server did not answer is lost; every answer was received or late.
        #expect(result.lost - result.late == result.sent - server.echoedCount)
        #expect(result.received == result.sent - result.lost)
    }

    @Test("a server that answers nothing: every request lost, and a warning")
    func silentServer() throws {
        let result = try run(
            against: BenchEchoServer { _, _ in .drop },
            mode: .rate(perSecond: 1000),
            duration: .milliseconds(100),
            replyTimeout: .milliseconds(20)
        )
        #expect(result.sent >= 90)
        #expect(result.lost == result.sent)
        #expect(result.latency == nil)
        #expect(BenchView.warnings(result).count == 1)
    }

    @Test("rate mode counts a 50 ms stall against every request it delayed; pingpong hides it")
    func stallShowsInOpenLoop() throws {
        // 1000 requests over 500 ms; the stall holds back the 100 due during it, 20 of them by 40 ms or more.
        let stallOnce: BenchEchoServer.Policy = { index, _ in index == 200 ? .stallThenEcho(.milliseconds(50)) : .echo }
        let open = try run(
            against: BenchEchoServer(policy: stallOnce),
            mode: .rate(perSecond: 2000),
            duration: .milliseconds(500)
        )
        #expect(open.lost == 0)
        #expect(try #require(open.latency).p99 >= 40_000_000)

        let closed = try run(against: BenchEchoServer(policy: stallOnce), duration: .milliseconds(500))
        #expect(closed.lost == 0)
        let closedLatency = try #require(closed.latency)
        #expect(closedLatency.max >= 40_000_000)
        #expect(closedLatency.p99 < 40_000_000)
    }

    @Test(
        "sockperf requests carry CLIENT and PONG_REQUEST; replies with CLIENT cleared or kept are both accepted",
        arguments: [true, false]
    )
    func sockperfServer(clearsClientFlag: Bool) throws {
        let violations = Atomic<Int>(0)
        let server = try BenchEchoServer { _, request in
            // What sockperf's server checks before it answers (perf-anchors §1.3).
            let flags = request[PayloadFormat.sockperfFlagsByte]
            let length = UInt32(bigEndian: request.loadUnaligned(fromByteOffset: 10, as: UInt32.self))
            guard flags & 0x03 == 0x03, Int(length) == request.count else {
                violations.add(1, ordering: .relaxed)
                return .drop
            }
            if clearsClientFlag { request[PayloadFormat.sockperfFlagsByte] = flags & ~PayloadFormat.clientFlag }
            return .echo
        }
        let result = try run(against: server, mode: .window(outstanding: 4), payload: .sockperf)
        #expect(violations.load(ordering: .relaxed) == 0)
        #expect(result.sent > 100)
        #expect(result.received == result.sent)
        #expect(result.invalid == 0)
    }
}
