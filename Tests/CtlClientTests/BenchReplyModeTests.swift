import Testing
import UDPLabEngines
import UDPLabProtocol

@testable import CtlClient

/// `udplabctl bench` against a real udplab engine with `--reply sockperf`: its sockperf requests
/// ask for a pong, so each is answered; its plain ones are not sockperf requests, so none is (as
/// against `sockperf server`).
@Suite("Bench against --reply sockperf", .serialized)
struct BenchReplyModeTests {
    private func run(_ payload: PayloadFormat, against engine: Engine) throws -> BenchResult {
        let configuration = try BenchConfiguration(
            target: engine.localAddress,
            mode: .window(outstanding: 4),
            payload: payload,
            duration: .milliseconds(300),
            warmup: .zero,
            sockets: 1,
            replyTimeout: .milliseconds(100)
        )
        return try LoadGenerator(configuration).run()
    }

    @Test("--payload sockperf: every request answered, none unanswered")
    func sockperfPayload() throws {
        let engine = try Engine.start(EngineSpec(bind: .init(loopbackPort: 0), reply: .sockperf))
        defer { engine.stop() }
        let result = try run(.sockperf, against: engine)
        #expect(result.sent > 100)
        #expect(result.received == result.sent)
        #expect([result.lost, result.duplicates, result.invalid] == [0, 0, 0])
        #expect(engine.counterSnapshot().unanswered == 0)
    }

    @Test("--payload plain: no request is a sockperf request, none is answered")
    func plainPayload() throws {
        let engine = try Engine.start(EngineSpec(bind: .init(loopbackPort: 0), reply: .sockperf))
        defer { engine.stop() }
        let result = try run(.plain, against: engine)
        #expect(result.sent > 0)
        #expect(result.received == 0)
        let counters = engine.counterSnapshot()
        #expect(counters.txDatagrams == 0)
        #expect(counters.unanswered > 0 && counters.unanswered <= counters.rxDatagrams)
    }
}
