import Dispatch
import Testing

@testable import UDPLabEngines
@testable import UDPLabProtocol

/// The seed's lesson as numbers: what one datagram, and a burst, cost in wakeups.
@Suite("Cost per datagram")
struct CostTests {
    /// The seed's costs: 2 wakeups on level backends (read, then write), 1 on edge ones; the task
    /// backends add a reactor turn to poll the notified task (tokio-core's price too), and
    /// task-mpsc one more: the reader's channel send notifies the task again for the writer.
    static func loneDatagramWakeups(_ backend: Backend) -> UInt64 {
        switch backend {
        case .task: 2
        case .taskMPSC: 3
        default: backend.traits.trigger == .level ? 2 : 1
        }
    }

    @Test(
        "A lone datagram: 2 wakeups on level backends, 1 on edge ones, 2 on task, 3 on task-mpsc",
        arguments: Backend.udplabLoops
    )
    func loneDatagramWakeups(backend: Backend) throws {
        let engine = try Engine.start(.testEcho(backend))
        defer { engine.stop() }
        let client = try TestClient()

        for round in 0..<3 {
            try waitUntil("the loop waits") { engine.counters.isWaiting }
            let before = engine.counters.snapshot()
            try client.send([UInt8(round)], to: engine.localAddress)
            #expect(try client.expectDatagram() == [UInt8(round)])
            try waitUntil("the loop waits again") { engine.counters.isWaiting }
            let after = engine.counters.snapshot()

            #expect(after.wakeups - before.wakeups == Self.loneDatagramWakeups(backend), "round \(round)")
            #expect(after.emptyWakeups == before.emptyWakeups)
            #expect(after.rxDatagrams - before.rxDatagrams == 1)
        }
    }

    @Test(
        "A burst of 20 queued before the loop first looks is served by at most 2 wakeups",
        arguments: Backend.allCases.filter { $0.traits.trigger == .edge && $0 != .task && $0 != .taskMPSC }
    )
    func burstOnEdgeBackends(backend: Backend) throws {
        let released = DispatchSemaphore(value: 0)
        let engine = try Engine.start(.testEcho(backend), beforeLoop: { released.wait() })
        defer { engine.stop() }
        let client = try TestClient()
        // Loopback delivers each datagram into the engine's receive queue before sendto returns.
        for index in 0..<20 {
            try client.send([UInt8(index)], to: engine.localAddress)
        }
        released.signal()

        for index in 0..<20 {
            #expect(try client.expectDatagram() == [UInt8(index)])
        }
        try waitUntil("the loop waits") { engine.counters.isWaiting }
        #expect(engine.counters.wakeups.value <= 2)
        #expect(engine.counters.rxDatagrams.value == 20)
    }
}
