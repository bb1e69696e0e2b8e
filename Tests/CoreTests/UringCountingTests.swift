import Testing

@testable import UDPLabEngineKit
@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// Backend uring's counters read back: `events` counts the completions the loop handled, no more.
@Suite("Backend uring: what the counters say")
struct UringCountingTests {
    @Test("10 lone datagrams: 2 events each (a receive and a send completion), 1 wakeup, 2 syscalls")
    func eventsAreTheCompletionsHandled() throws {
        let engine = try Engine.start(.testEcho(.uring))
        defer { engine.stop() }
        let client = try TestClient()
        try waitUntil("the loop waits") { engine.counters.isWaiting }
        let before = engine.counters.snapshot()

        for round in 0..<10 {
            try client.send([UInt8(round)], to: engine.localAddress)
            #expect(try client.expectDatagram() == [UInt8(round)])
            try waitUntil("the send completed and the loop waits again") {
                engine.counters.txDatagrams.value == before.txDatagrams + UInt64(round) + 1
                    && engine.counters.isWaiting
            }
        }
        let after = engine.counters.snapshot()

        #expect(after.rxDatagrams - before.rxDatagrams == 10)
        #expect(after.txDatagrams - before.txDatagrams == 10)
        #expect(after.events - before.events == 20, "one receive and one send completion per datagram")
        #expect(after.wakeups - before.wakeups == 10)
        #expect(after.emptyWakeups == before.emptyWakeups)
        #expect(after.syscalls - before.syscalls == 20, "the wait that returns the receive, the reply's submit")
    }
}
