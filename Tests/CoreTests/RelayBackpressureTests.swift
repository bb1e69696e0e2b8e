import Testing

@testable import UDPLabEngineKit
@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// A relay consumer that falls behind costs only itself, on every relay backend: its own
/// `--queue` loses its oldest (driven through the send seam: loopback sends never block by
/// themselves; not on uring, whose sends the seam cannot reach), and a consumer that never reads
/// overflows its own receive buffer.
@Suite("Relay backpressure")
struct RelayBackpressureTests {
    @Test(
        "Sends blocked: with --queue 8 and 13 produced, each of 3 consumers drops its 5 oldest, then gets the newest 8 in order",
        arguments: Backend.gatedRelays
    )
    func queueDropsPerConsumer(backend: Backend) throws {
        let queue = 8
        let extra = 5
        let gate = SendGate()
        let engine = try Engine.start(.testRelay(backend, queue: queue), sendGate: gate)
        defer { engine.stop() }
        let producer = try TestClient()
        let consumers = try (0..<3).map { _ in try TestClient() }
        for consumer in consumers {
            try consumer.register(with: engine)
        }
        let payloads = (0..<(queue + extra)).map { relayPayload($0) }

        gate.close()
        for payload in payloads {
            try producer.send(payload, to: engine.producerAddress)
        }
        // A datagram is counted received before any consumer's drop for it: wait for both.
        try waitUntil("all 13 are received, 5 dropped for each consumer") {
            engine.sockets.receiveCounts[0] == UInt64(payloads.count)
                && engine.counters.dropped.value >= UInt64(extra * consumers.count)
        }
        let table = try #require(engine.relayConsumers?.current)
        #expect(table.map { $0.dropped.value } == [5, 5, 5], "counted per consumer")
        #expect(table.map { $0.queueHighWater.value } == [8, 8, 8])
        #expect(table.map { $0.relayed.value } == [0, 0, 0])
        #expect(engine.counters.dropped.value == UInt64(extra * consumers.count))
        #expect(engine.counters.queueHighWater.value == UInt64(queue))
        #expect(engine.counters.txDatagrams.value == 0)
        #expect(engine.counters.sendWouldBlock.value > 0)

        // The loops keep trying a send that would block (its socket is writable to the kernel),
        // so opening the gate is enough for them to resume.
        gate.open()
        for (index, consumer) in consumers.enumerated() {
            try consumer.expectDatagrams(payloads.suffix(queue), "consumer \(index)")
        }
        try waitUntil("8 are relayed to each") {
            engine.relayConsumers?.current.allSatisfy { $0.relayed.value == UInt64(queue) } == true
        }
        for consumer in consumers {
            #expect(try consumer.receive(timeout: .zero) == nil, "the dropped 5 never come")
        }
        #expect(engine.counters.txDatagrams.value == UInt64(queue * consumers.count))
        #expect(engine.counters.dropped.value == UInt64(extra * consumers.count))

        // The relay serves normally again.
        try producer.send(relayPayload(99), to: engine.producerAddress)
        for (index, consumer) in consumers.enumerated() {
            try consumer.expectDatagrams([relayPayload(99)], "consumer \(index), after")
        }
        #expect(engine.relayConsumers?.current.map { $0.dropped.value } == [5, 5, 5])
    }

    @Test(
        "Sends blocked for one consumer's worth: a consumer registered later is owed only what came after it",
        arguments: Backend.gatedRelays
    )
    func laterConsumerOwesLess(backend: Backend) throws {
        let gate = SendGate()
        let engine = try Engine.start(.testRelay(backend, queue: 8), sendGate: gate)
        defer { engine.stop() }
        let producer = try TestClient()
        let early = try TestClient()
        let late = try TestClient()
        try early.register(with: engine)

        gate.close()
        let payloads = (0..<10).map { relayPayload($0) }
        for payload in payloads.prefix(6) {
            try producer.send(payload, to: engine.producerAddress)
        }
        try waitUntil("the first 6 are received") { engine.sockets.receiveCounts[0] == 6 }
        try late.register(with: engine)
        for payload in payloads.suffix(4) {
            try producer.send(payload, to: engine.producerAddress)
        }
        try waitUntil("all 10 are received") { engine.sockets.receiveCounts[0] == 10 }
        // The early consumer is owed 10 with room for 8: it lost 2. The late one is owed 4.
        #expect(engine.relayConsumer(at: early.address)?.dropped.value == 2)
        #expect(engine.relayConsumer(at: early.address)?.queueHighWater.value == 8)
        #expect(engine.relayConsumer(at: late.address)?.dropped.value == 0)
        #expect(engine.relayConsumer(at: late.address)?.queueHighWater.value == 4)

        gate.open()
        try early.expectDatagrams(payloads.suffix(8), "the early consumer")
        try late.expectDatagrams(payloads.suffix(4), "the late consumer")
        try waitUntil("all are relayed") { engine.counters.txDatagrams.value == 12 }
        #expect(try early.receive(timeout: .zero) == nil)
        #expect(try late.receive(timeout: .zero) == nil)
    }

    @Test(
        "A consumer that never reads loses only its own datagrams, in its kernel; the others get all 200 in order",
        arguments: Backend.relays
    )
    func neverReadingConsumer(backend: Backend) throws {
        let engine = try Engine.start(.testRelay(backend, queue: 64))
        defer { engine.stop() }
        let producer = try TestClient()
        let readers = try (0..<2).map { _ in try TestClient() }
        let stalled = try TestClient()
        // The smallest receive buffer the kernel allows: a few datagrams of 1000 bytes fill it.
        try stalled.setReceiveBuffer(1)
        let stalledDrops = KernelDropGauge()
        stalledDrops.add(stalled.socket)
        try readers[0].register(with: engine)
        try stalled.register(with: engine)
        try readers[1].register(with: engine)

        let payloads = (0..<200).map { relayPayload($0, size: 1000) }
        for burst in stride(from: 0, to: payloads.count, by: 20) {
            let slice = payloads[burst..<(burst + 20)]
            for payload in slice {
                try producer.send(payload, to: engine.producerAddress)
            }
            for (index, reader) in readers.enumerated() {
                try reader.expectDatagrams(slice, "reader \(index), burst from \(burst)")
            }
        }

        // UDP tells a sender nothing when a receiver's buffer overflows: the relay sent the
        // stalled consumer every datagram (its relayed is 200, its dropped 0); its kernel
        // dropped what did not fit, and only its own socket's SO_MEMINFO counts that.
        try waitUntil("every consumer's relayed, the stalled one's too, reaches 200") {
            engine.relayConsumers?.current.allSatisfy { $0.relayed.value == 200 } == true
        }
        let table = try #require(engine.relayConsumers?.current)
        #expect(table.map { $0.relayed.value } == [200, 200, 200])
        #expect(table.map { $0.dropped.value } == [0, 0, 0])
        #expect(engine.counters.dropped.value == 0)
        #expect(engine.counters.txDatagrams.value == 600)

        let queued = try stalled.drainQueued()
        #expect(stalledDrops.drops > 0, "its buffer overflowed")
        #expect(UInt64(queued.count) + stalledDrops.drops == 200, "what it kept and what its kernel dropped")
        #expect(queued == Array(payloads.prefix(queued.count)), "it kept the first that fitted, in order")
        for reader in readers {
            #expect(try reader.receive(timeout: .zero) == nil)
        }
    }

    @Test(
        "Sends go round robin, one per consumer in turn, and a consumer leaving mid-round costs no other its turn",
        arguments: Backend.gatedRelays
    )
    func roundRobinTurns(backend: Backend) throws {
        let gate = SendGate()
        let engine = try Engine.start(.testRelay(backend), sendGate: gate)
        defer { engine.stop() }
        let producer = try TestClient()
        let a = try TestClient()
        let b = try TestClient()
        let c = try TestClient()
        for consumer in [a, b, c] {
            try consumer.register(with: engine)
        }
        gate.close()
        let payloads = (0..<4).map { relayPayload($0) }
        for payload in payloads {
            try producer.send(payload, to: engine.producerAddress)
        }
        try waitUntil("all 4 are received") { engine.sockets.receiveCounts[0] == 4 }

        /// Lets `count` sends through and waits until the engine has counted them.
        func allow(_ count: Int) throws {
            let sent = engine.counters.txDatagrams.value
            gate.allow(count)
            try waitUntil("\(count) more are sent") { engine.counters.txDatagrams.value == sent + UInt64(count) }
        }
        func relayed() -> [UInt64] { engine.relayConsumers?.current.map { $0.relayed.value } ?? [] }

        // 4 sends: a, b, c, then a again; b's turn is next.
        try allow(4)
        try waitUntil("a has 2, b and c 1") { relayed() == [2, 1, 1] }
        // b leaves on its turn: the turn passes to c, not past it.
        try b.leave(engine)
        try allow(1)
        try waitUntil("c has its second") { relayed() == [2, 2] }
        // a's turn, then c's; c leaves on its turn, the last of the table: the turn wraps to a.
        try allow(1)
        try waitUntil("a has its third") { relayed() == [3, 2] }
        try c.leave(engine)
        try allow(1)
        try waitUntil("a has its fourth") { relayed() == [4] }

        try a.expectDatagrams(payloads, "a")
        try b.expectDatagrams(payloads.prefix(1), "b")
        try c.expectDatagrams(payloads.prefix(2), "c")
        for consumer in [a, b, c] {
            #expect(try consumer.receive(timeout: .zero) == nil)
        }
        gate.open()
        #expect(engine.counters.dropped.value == 0)
    }
}
