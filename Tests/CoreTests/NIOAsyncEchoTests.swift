import Dispatch
import Testing

@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// Backend nio-async: backpressure through its bounded queue, and stopping while its tasks are
/// busy. The echo, reply-mode, lifecycle and leak suites cover it with every other backend.
@Suite("Backend nio-async")
struct NIOAsyncEchoTests {
    @Test("A burst of 200 through --queue 2 comes back whole and in order: the reader waits, nothing is dropped")
    func burstLargerThanTheQueueWaits() throws {
        // Held before its tasks start, the engine finds the burst already there: NIO, reading on
        // its own thread meanwhile, has filled its inbound buffer (to its high watermark, 10) and
        // the rest waits in the kernel. So the reader has more than 2 at hand: it fills the queue
        // and waits for the writer to take them, again and again.
        let released = DispatchSemaphore(value: 0)
        let engine = try Engine.start(.testEcho(.nioAsync, queue: 2), beforeLoop: { released.wait() })
        defer { engine.stop() }
        let client = try TestClient()
        // 200 datagrams of 2 bytes fit in loopback's default receive buffer (about 256 of them),
        // on the engine's socket and on the client's, so the kernel drops none.
        let payloads = (0..<200).map { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for payload in payloads {
            try client.send(payload, to: engine.localAddress)
        }
        released.signal()

        for expected in payloads {
            #expect(try client.expectDatagram() == expected)
        }
        try waitUntil("tx_datagrams reaches 200") { engine.counters.txDatagrams.value == 200 }
        let counters = engine.counters.snapshot()
        #expect(counters.rxDatagrams == 200)
        #expect(counters.txDatagrams == 200)
        #expect(counters.dropped == 0)
        #expect(counters.errors == 0)
        #expect(counters.queueHighWater == 2, "the reader filled the queue, and never overfilled it")
        #expect(engine.residence.summary().count == 200)
    }

    @Test("Stopping mid-burst through --queue 1 ends promptly and frees the port")
    func stopsWhileBusy() throws {
        // As in the burst test: the reader starts with more at hand than the queue holds, so
        // until that backlog is gone it waits for room after every datagram. The stop cancels
        // the tasks wherever they are: the reader waiting for room or for its stream, the
        // writer waiting for the queue or writing.
        let released = DispatchSemaphore(value: 0)
        let engine = try Engine.start(.testEcho(.nioAsync, queue: 1), beforeLoop: { released.wait() })
        let client = try TestClient()
        for index in 0..<200 {
            try client.send([UInt8(index), 0xAA], to: engine.localAddress)
        }
        released.signal()
        try waitUntil("the echo is under way") { engine.counters.txDatagrams.value >= 1 }

        let clock = ContinuousClock()
        let elapsed = clock.measure { engine.stop() }
        #expect(elapsed < .seconds(2), "stop took \(elapsed)")
        #expect(engine.state == .stopped)
        #expect(engine.failure == nil)
        let rebound = try UDPSocket(binding: engine.localAddress)
        #expect(rebound.localAddress == engine.localAddress)
    }

    @Test("--queue applies to nio-async, in range; 32 by default")
    func acceptsQueue() throws {
        #expect(EngineSpec.testEcho(.nioAsync).queueCapacity == 32)
        #expect(EngineSpec.testEcho(.nioAsync, queue: 3).queueCapacity == 3)
        #expect(throws: Never.self) { try EngineSpec.testEcho(.nioAsync, queue: 1).validate() }
        #expect(throws: EngineError.self) { try EngineSpec.testEcho(.nioAsync, queue: 0).validate() }
    }
}
