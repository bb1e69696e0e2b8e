import Foundation
import Testing

@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

@Suite("Diagnostic kinds: mixed, notify, empty")
struct DiagnosticKindTests {
    @Test("mixed --interval 200ms: 10 timer events in 2 s, every datagram counted, no empty wakeup per tick")
    func mixed() throws {
        let started = ContinuousClock.now
        let engine = try Engine.start(EngineSpec(kind: .mixed, bind: SocketAddress(loopbackPort: 0), interval: 0.2))
        defer { engine.stop() }
        let client = try TestClient()
        for index in 0..<5 {
            try client.send([UInt8(index)], to: engine.localAddress)
        }
        try waitUntil("10 timer events", timeout: .seconds(10)) { engine.counters.timerEvents.value >= 10 }
        let elapsed = ContinuousClock.now - started
        // Ticks run against absolute deadlines 200 ms apart: the tenth cannot come before 2 s.
        #expect(elapsed >= .milliseconds(1950), "\(elapsed)")
        #expect(elapsed < .seconds(3), "\(elapsed)")
        try waitUntil("5 datagrams counted") { engine.counters.rxDatagrams.value == 5 }
        let counters = engine.counterSnapshot()
        #expect(counters.emptyWakeups == 0, "each tick is one event on one wakeup")
        #expect(counters.txDatagrams == 0)
    }

    @Test("notify --polls 10 --interval 100ms ends completed after exactly 10 polls")
    func notify() throws {
        let engine = try Engine.start(EngineSpec(kind: .notify, interval: 0.1, polls: 10))
        defer { engine.stop() }
        try waitUntil("completed", timeout: .seconds(10)) { engine.state == .completed }
        #expect(engine.counters.futurePolls.value == 10)
        #expect(engine.counters.taskPolls.value == 10)
        #expect(engine.counters.wakerWrites.value == 9, "each helper notification wakes the blocked reactor once")
    }

    @Test("empty makes no wakeup in a second and stops within 100 ms")
    func empty() throws {
        let engine = try Engine.start(EngineSpec(kind: .empty))
        try waitUntil("the reactor waits") { engine.counters.isWaiting }
        let deadline = ContinuousClock.now + .seconds(1)
        while ContinuousClock.now < deadline {
            #expect(engine.counters.wakeups.value == 0)
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(engine.counters.syscalls.value == 3, "epoll_create1, one epoll_ctl for the awakener, one epoll_wait")
        let elapsed = ContinuousClock().measure { engine.stop() }
        #expect(elapsed < .milliseconds(100))
        #expect(engine.state == .stopped)
    }

    @Test("Options a kind has no use for are rejected, naming what they are for")
    func applicability() {
        let cases: [(EngineSpec, String)] = [
            (EngineSpec(kind: .empty, queue: 4), "--queue does not apply to kind empty"),
            (EngineSpec(kind: .echo, count: 4), "--count does not apply to kind echo"),
            (EngineSpec(kind: .mixed, polls: 4), "--polls does not apply to kind mixed"),
            (EngineSpec(kind: .multisocket, backend: .select), "--backend does not apply to kind multisocket"),
            (EngineSpec(kind: .notify, interval: 0.001), "--interval 0.001s is out of range"),
        ]
        for (spec, message) in cases {
            #expect {
                try spec.validate()
            } throws: { error in
                guard case .invalidSpec(let reason) = error as? EngineError else { return false }
                return reason.hasPrefix(message)
            }
        }
    }
}
