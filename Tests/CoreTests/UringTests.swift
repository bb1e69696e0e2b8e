import Dispatch
import Testing

@testable import UDPLabEngines
@testable import UDPLabProtocol

/// Backend uring: completions handled a batch per pass with one submit each, the buffer ring
/// as the queue (backpressure, not drops), and its options. The echo, cost, truncation and
/// lifecycle suites cover it with every other backend.
@Suite("Backend uring")
struct UringTests {
    @Test(
        "A burst of 100 queued before the loop first looks is echoed in order with one io_uring_enter per pass",
        arguments: [32, 8]
    )
    func burstIsBatched(batch: Int) throws {
        let released = DispatchSemaphore(value: 0)
        let spec = EngineSpec(backend: .uring, bind: .init(loopbackPort: 0), batch: batch)
        let engine = try Engine.start(spec, beforeLoop: { released.wait() })
        defer { engine.stop() }
        let client = try TestClient()
        // Loopback delivers each datagram into the engine's receive queue before sendto returns.
        for index in 0..<100 {
            try client.send([UInt8(index)], to: engine.localAddress)
        }
        released.signal()

        for index in 0..<100 {
            #expect(try client.expectDatagram() == [UInt8(index)])
        }
        try waitUntil("the loop waits") { engine.counters.isWaiting }
        let counters = engine.counters.snapshot()
        // 100 receive and 100 send completions, at most `batch` per pass; a pass ends in one
        // submit, or one wait when it found nothing. One datagram at a time would be 200 or more.
        let passes = UInt64((200 + batch - 1) / batch)
        #expect(counters.syscalls <= 2 * passes + 4, "\(counters.syscalls) io_uring_enter calls")
        #expect(counters.rxDatagrams == 100)
        #expect(counters.txDatagrams == 100)
        #expect(counters.dropped == 0)
        #expect(counters.queueHighWater <= UInt64(spec.queueCapacity))
    }

    @Test("With --queue 2, a burst of 100 waits in the kernel and comes back whole and in order")
    func buffersAreTheQueue() throws {
        let released = DispatchSemaphore(value: 0)
        let engine = try Engine.start(.testEcho(.uring, queue: 2), beforeLoop: { released.wait() })
        defer { engine.stop() }
        let client = try TestClient()
        for index in 0..<100 {
            try client.send([UInt8(index), 0xAB], to: engine.localAddress)
        }
        released.signal()

        for index in 0..<100 {
            #expect(try client.expectDatagram() == [UInt8(index), 0xAB])
        }
        try waitUntil("100 are sent") { engine.counters.txDatagrams.value == 100 }
        let counters = engine.counterSnapshot()
        #expect(counters.dropped == 0, "the engine never drops: the kernel holds what its buffers cannot")
        #expect(counters.queueHighWater == 2, "at most --queue buffers hold replies in flight")
        #expect(counters.errors == 0)
    }

    @Test("The buffer ring holds at least one batch by default; --queue still says exactly")
    func queueHoldsABatch() {
        #expect(EngineSpec(backend: .uring).queueCapacity == 32)
        #expect(EngineSpec(backend: .uring, batch: 4).queueCapacity == 8)
        #expect(EngineSpec(backend: .uring, queue: 3, batch: 100).queueCapacity == 3)
    }

    @Test(
        "--budget is refused on uring, which has no readiness events, and on nio-async, whose --queue is its read cycle"
    )
    func rejectsBudget() {
        let uring = EngineSpec(backend: .uring, bind: .init(loopbackPort: 0), budget: 4)
        let noEvents = "--budget does not apply to backend uring: it has no readiness events to budget"
        #expect(throws: EngineError.invalidSpec(noEvents)) { try Engine.start(uring) }
        let nioAsync = EngineSpec(backend: .nioAsync, bind: .init(loopbackPort: 0), budget: 4)
        let queueIsTheCycle =
            "--budget does not apply to backend nio-async: it reads as many datagrams per readiness event as --queue holds"
        #expect(throws: EngineError.invalidSpec(queueIsTheCycle)) { try Engine.start(nioAsync) }
    }

    @Test("io_uring is usable here, so every backend is available")
    func availability() {
        for backend in Backend.allCases {
            #expect(backend.unavailableReason == nil, "\(backend.rawValue)")
        }
    }
}
