import Testing

@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// The queue-full path, driven through the send seam: loopback sends never block by themselves.
@Suite("Outgoing queue")
struct QueueTests {
    /// Backends that drop when the queue is full (task-mpsc applies backpressure instead, and
    /// uring's sends go through the kernel, not the seam, see UringTests; gso has no --queue: its
    /// datagrams wait in the kernel, see GSOEchoTests).
    static let queueBackends = Backend.udplabLoops.filter { ![.flipflop, .taskMPSC, .uring, .gso].contains($0) }

    @Test("With --queue 8, exactly 8 wait, the rest are dropped, and the echo resumes", arguments: queueBackends)
    func dropsWhenFullAndResumes(backend: Backend) throws {
        let gate = SendGate()
        let engine = try Engine.start(.testEcho(backend, queue: 8), sendGate: gate)
        defer { engine.stop() }
        let client = try TestClient()
        let payloads = (0..<12).map { [UInt8($0), 0xEE] }

        gate.close()
        for payload in payloads {
            try client.send(payload, to: engine.localAddress)
        }
        // A datagram is counted received before it is counted dropped: wait for both counts.
        try waitUntil("all 12 are received, 4 of them dropped") {
            engine.counters.rxDatagrams.value == 12 && engine.counters.dropped.value >= 4
        }
        #expect(engine.counters.dropped.value == 4)
        #expect(engine.counters.queueHighWater.value == 8)
        #expect(engine.counters.txDatagrams.value == 0)
        #expect(engine.counters.sendWouldBlock.value > 0)

        gate.open()
        for expected in payloads.prefix(8) {
            #expect(try client.expectDatagram() == expected, "the 8 queued datagrams come back in order")
        }
        try waitUntil("8 are sent") { engine.counters.txDatagrams.value == 8 }
        #expect(try client.receive(timeout: .milliseconds(50)) == nil, "the dropped 4 never come back")

        try client.send([99], to: engine.localAddress)
        #expect(try client.expectDatagram() == [99], "the engine echoes normally again")
        #expect(engine.counters.dropped.value == 4)
    }

    @Test("flipflop holds one datagram and reads nothing while its send is blocked")
    func flipflopStopsReadingWhileBlocked() throws {
        let gate = SendGate()
        let engine = try Engine.start(.testEcho(.flipflop), sendGate: gate)
        defer { engine.stop() }
        let client = try TestClient()

        gate.close()
        for index in 0..<3 {
            try client.send([UInt8(index)], to: engine.localAddress)
        }
        try waitUntil("the first is received") { engine.counters.rxDatagrams.value == 1 }
        // The loop keeps waking to retry its send: let it spin a while, then check it read nothing.
        let wakeups = engine.counters.wakeups.value
        try waitUntil("100 more wakeups") { engine.counters.wakeups.value >= wakeups + 100 }
        #expect(engine.counters.rxDatagrams.value == 1)
        #expect(engine.counters.dropped.value == 0)

        gate.open()
        for index in 0..<3 {
            #expect(try client.expectDatagram() == [UInt8(index)])
        }
    }

    @Test(
        "With --queue 8 under a 10,000-datagram burst the engine drops nothing; kernel drops are counted apart",
        arguments: [Backend.taskMPSC, .uring]
    )
    func backpressure(backend: Backend) throws {
        let engine = try Engine.start(.testEcho(backend, queue: 8))
        defer { engine.stop() }
        let client = try TestClient()
        var sent = 0
        for index in 0..<10_000 {
            try client.send([UInt8(index & 0xFF), UInt8(index >> 8)], to: engine.localAddress)
            sent += 1
        }
        // Collect echoes until none come for a while: what the kernel dropped never arrives.
        var echoed = 0
        while try client.receive(timeout: .milliseconds(500)) != nil {
            echoed += 1
        }
        let counters = engine.counterSnapshot()
        #expect(counters.dropped == 0, "the engine itself never drops")
        #expect(counters.rxDatagrams == counters.txDatagrams)
        #expect(
            counters.rxDatagrams + counters.kernelDrops == UInt64(sent),
            "every datagram is either served or counted as a kernel drop"
        )
        #expect(echoed <= Int(counters.txDatagrams))
        #expect(counters.queueHighWater <= 8)
    }
}
