import Dispatch
import Synchronization
import Testing

@testable import UDPLabEngines
@testable import UDPLabProtocol

/// Backend nio: `--budget` is NIO's `maxMessagesPerRead`. The echo, reply-mode, lifecycle and
/// leak suites cover it with every other backend.
@Suite("Backend nio")
struct NIOEchoTests {
    @Test(
        "A backlog is read and flushed --budget datagrams at a time (NIO's own default would be 4)",
        arguments: [1, 8, nil]
    )
    func budgetBoundsAReadCycle(budget: Int?) throws {
        // The first datagram's trace line holds NIO's loop inside channelRead while a backlog of
        // 100 queues behind it. Released, NIO reads on: every read cycle takes exactly the
        // budget (the backlog is longer) and flushes its replies before the next, so the most
        // replies ever written in one cycle, the queue high water, is the budget.
        var spec = EngineSpec.testEcho(.nio)
        spec.budget = budget
        spec.trace = true
        let first = FirstCall()
        let held = DispatchSemaphore(value: 0)
        let released = DispatchSemaphore(value: 0)
        let engine = try Engine.start(
            spec,
            trace: { _ in
                guard first.claim() else { return }
                held.signal()
                released.wait()
            }
        )
        defer { engine.stop() }
        let client = try TestClient()
        try client.send([0xFF, 0xFF], to: engine.localAddress)
        #expect(held.wait(timeout: .now() + 5) == .success, "the first datagram reached the handler")
        // 100 datagrams of 2 bytes fit in loopback's default receive buffer: the kernel drops none.
        let backlog = (0..<100).map { [UInt8(0), UInt8($0)] }
        for payload in backlog {
            try client.send(payload, to: engine.localAddress)
        }
        released.signal()

        #expect(try client.expectDatagram() == [0xFF, 0xFF])
        for expected in backlog {
            #expect(try client.expectDatagram() == expected)
        }
        try waitUntil("tx_datagrams reaches 101") { engine.counters.txDatagrams.value == 101 }
        let counters = engine.counters.snapshot()
        #expect(counters.rxDatagrams == 101)
        #expect(spec.effectiveBudget == budget ?? 16)
        #expect(counters.queueHighWater == UInt64(spec.effectiveBudget))
    }

    @Test("--budget on nio is 1–1024: NIO cannot drain", arguments: [0, 1025])
    func rejectsBudgetOutOfRange(budget: Int) {
        var spec = EngineSpec.testEcho(.nio)
        spec.budget = budget
        let reason =
            "--budget \(budget) is out of range for backend nio: use 1–1024 (NIO's maxMessagesPerRead: it reads at most that many datagrams per readiness event and cannot drain)"
        #expect(throws: EngineError.invalidSpec(reason)) { try spec.validate() }
    }
}

/// `true` for the first caller of ``claim()`` only, on any thread.
private final class FirstCall: Sendable {
    private let claimed = Atomic<Bool>(false)

    func claim() -> Bool {
        !claimed.exchange(true, ordering: .relaxed)
    }
}
