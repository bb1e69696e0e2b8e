import Foundation
import Synchronization
import Testing

@testable import UDPLabEngineKit
@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// Kind relay with real sockets, on every backend that runs it: registration by exactly `1`,
/// leaving by exactly `0`, fan-out in order to every consumer, `--consumer-timeout` and the
/// trace. Queue drops and slow consumers are in RelayBackpressureTests; `--max-consumers` and
/// the checks of a relay spec in RelayLimitTests.
@Suite("Relay")
struct RelayTests {
    @Test("After 1 a produced datagram reaches the consumer; after 0 it no longer does", arguments: Backend.relays)
    func registerAndLeave(backend: Backend) throws {
        let engine = try Engine.start(.testRelay(backend))
        defer { engine.stop() }
        let producer = try TestClient()
        let leaving = try TestClient()
        let staying = try TestClient()

        try leaving.register(with: engine)
        try staying.register(with: engine)
        try producer.send(relayPayload(0), to: engine.producerAddress)
        let first = try #require(try leaving.receive())
        #expect(first.bytes == relayPayload(0))
        #expect(first.source == engine.consumerAddress, "relayed from the consumer socket, not the producers'")
        #expect(try staying.expectDatagram() == relayPayload(0))

        try leaving.leave(engine)
        #expect(engine.consumerAddresses == [staying.address])
        try producer.send(relayPayload(1), to: engine.producerAddress)
        try producer.send(relayPayload(2), to: engine.producerAddress)
        // Sends go round robin: had the leaver still been a consumer, its copy of 1 would have
        // been sent before the stayer's copy of 2 (on loopback a sent datagram is queued at its
        // receiver before sendto returns), so once the stayer has 2, the leaver's queue is final.
        try staying.expectDatagrams([relayPayload(1), relayPayload(2)], "the consumer that stayed")
        #expect(try leaving.receive(timeout: .zero) == nil, "nothing after 0")

        // A send is counted after sendto returns, which may be after its datagram was read.
        try waitUntil("4 are relayed") {
            engine.counters.txDatagrams.value == 4 && engine.relayConsumer(at: staying.address)?.relayed.value == 3
        }
        let counters = engine.counters.snapshot()
        #expect(counters.rxDatagrams == 3 + 3, "3 produced, 3 registration datagrams")
        #expect(counters.consumerIgnored == 0)
        #expect(engine.sockets.receiveCounts == [3, 3], "producers' socket 0, consumers' socket 1")
        #expect(engine.relayConsumer(at: staying.address)?.relayed.value == 3)
    }

    @Test("1 again renews and changes nothing; a second 0, or 0 from a stranger, is ignored", arguments: Backend.relays)
    func registerAgainAndStrayLeave(backend: Backend) throws {
        let engine = try Engine.start(.testRelay(backend))
        defer { engine.stop() }
        let consumer = try TestClient()
        let stranger = try TestClient()

        try consumer.register(with: engine)
        try consumer.send(TestClient.register, to: engine.consumerAddress)
        try waitUntil("the second 1 is read") { engine.sockets.receiveCounts[1] == 2 }
        #expect(engine.consumerAddresses == [consumer.address], "registered once")

        try stranger.send(TestClient.leave, to: engine.consumerAddress)
        try consumer.leave(engine)
        try consumer.send(TestClient.leave, to: engine.consumerAddress)
        try waitUntil("both stray 0s are counted") { engine.counters.consumerIgnored.value == 2 }
        #expect(engine.consumerAddresses.isEmpty)
    }

    @Test(
        "Only the exact 1-byte datagrams 1 and 0 count: 1\\n, 11, x and an empty datagram are ignored",
        arguments: Backend.relays
    )
    func inexactRegistrationsAreIgnored(backend: Backend) throws {
        let engine = try Engine.start(.testRelay(backend))
        defer { engine.stop() }
        let consumer = try TestClient()
        let producer = try TestClient()
        let inexact: [[UInt8]] = [Array("1\n".utf8), Array("11".utf8), Array("x".utf8), [], Array("0\n".utf8)]

        for datagram in inexact {
            try consumer.send(datagram, to: engine.consumerAddress)
        }
        try waitUntil("all 5 are counted in consumer_ignored") { engine.counters.consumerIgnored.value == 5 }
        #expect(engine.consumerAddresses.isEmpty)
        #expect(engine.sockets.receiveCounts[1] == 5)

        // The relay has no consumer, so what is produced goes nowhere: not to this client.
        try producer.send(relayPayload(0), to: engine.producerAddress)
        try waitUntil("the produced datagram is read") { engine.sockets.receiveCounts[0] == 1 }
        #expect(engine.counters.txDatagrams.value == 0)
        #expect(try consumer.receive(timeout: .zero) == nil)

        // A real registration still works after them.
        try consumer.register(with: engine)
        try producer.send(relayPayload(1), to: engine.producerAddress)
        #expect(try consumer.expectDatagram() == relayPayload(1), "registered consumers get only what came after")
    }

    @Test("Three consumers each get all 200 datagrams, in order; each one's relayed is 200", arguments: Backend.relays)
    func fanOutInOrder(backend: Backend) throws {
        let engine = try Engine.start(.testRelay(backend, queue: 256))
        defer { engine.stop() }
        let producer = try TestClient()
        let consumers = try (0..<3).map { _ in try TestClient() }
        for consumer in consumers {
            try consumer.register(with: engine)
        }

        // Bursts of 20, each read by every consumer before the next: no receive buffer on the way
        // (the engine's producer socket or a consumer's) ever holds more than a burst.
        let payloads = (0..<200).map { relayPayload($0, size: 4 + ($0 * 37) % 1000) }
        for burst in stride(from: 0, to: payloads.count, by: 20) {
            let slice = payloads[burst..<(burst + 20)]
            for payload in slice {
                try producer.send(payload, to: engine.producerAddress)
            }
            for (index, consumer) in consumers.enumerated() {
                try consumer.expectDatagrams(slice, "consumer \(index), burst from \(burst)")
            }
        }

        try waitUntil("every consumer's relayed reaches 200") {
            engine.relayConsumers?.current.allSatisfy { $0.relayed.value == 200 } == true
        }
        let table = try #require(engine.relayConsumers?.current)
        #expect(table.map(\.address) == consumers.map(\.address), "in registration order")
        #expect(table.allSatisfy { $0.dropped.value == 0 })
        let counters = engine.counters.snapshot()
        #expect(counters.txDatagrams == 600)
        #expect(counters.txBytes == 3 * payloads.reduce(0) { $0 + UInt64($1.count) })
        #expect(counters.dropped == 0)
        #expect(engine.sockets.receiveCounts == [200, 3])
        for consumer in consumers {
            #expect(try consumer.receive(timeout: .zero) == nil, "nothing more")
        }
    }

    @Test(
        "With --budget 1 or 3 a burst queued in the kernel still reaches both consumers whole, in order",
        arguments: Backend.budgetedRelays,
        [1, 3]
    )
    func budgetedBurst(backend: Backend, budget: Int) throws {
        let engine = try Engine.start(.testRelay(backend, queue: 64, budget: budget))
        defer { engine.stop() }
        let producer = try TestClient()
        let consumers = try (0..<2).map { _ in try TestClient() }
        for consumer in consumers {
            try consumer.register(with: engine)
        }
        // 60 small datagrams: they fit every receive buffer on the way, whoever reads first.
        let payloads = (0..<60).map { relayPayload($0) }
        for payload in payloads {
            try producer.send(payload, to: engine.producerAddress)
        }
        for (index, consumer) in consumers.enumerated() {
            try consumer.expectDatagrams(payloads, "consumer \(index)")
        }
        try waitUntil("both consumers' relayed reach 60") {
            engine.relayConsumers?.current.allSatisfy { $0.relayed.value == 60 } == true
        }
        #expect(engine.counters.dropped.value == 0)
    }

    @Test(
        "IPv6: consumers on [::1] register, get every datagram from an IPv6 producer, and leave",
        arguments: Backend.relays
    )
    func ipv6(backend: Backend) throws {
        let engine = try Engine.start(.testRelay(backend, ipv6: true))
        defer { engine.stop() }
        #expect(engine.producerAddress.isIPv6 && engine.consumerAddress.isIPv6)
        let producer = try TestClient(ipv6: true)
        let consumers = try (0..<2).map { _ in try TestClient(ipv6: true) }
        for consumer in consumers {
            try consumer.register(with: engine)
        }
        let payloads = (0..<5).map { relayPayload($0) }
        for payload in payloads {
            try producer.send(payload, to: engine.producerAddress)
        }
        for (index, consumer) in consumers.enumerated() {
            let first = try #require(try consumer.receive())
            #expect(first.bytes == payloads[0])
            #expect(first.source == engine.consumerAddress, "sent from the consumer socket")
            try consumer.expectDatagrams(payloads.dropFirst(), "consumer \(index)")
        }
        try consumers[0].leave(engine)
        #expect(engine.consumerAddresses == [consumers[1].address])
    }

    // MARK: - --consumer-timeout

    @Test(
        "With --consumer-timeout 0.2 a consumer that does not renew expires; one that sends 1 every 25 ms stays",
        arguments: Backend.relays
    )
    func expiry(backend: Backend) throws {
        let engine = try Engine.start(.testRelay(backend, consumerTimeout: 0.2))
        defer { engine.stop() }
        let producer = try TestClient()
        let silent = try TestClient()
        let renewing = try TestClient()

        try silent.register(with: engine)
        try renewing.register(with: engine)
        let registered = ContinuousClock.now
        // The renewals are the workload, not synchronisation: they continue well past the time
        // the silent consumer's timeout (and the renewing one's, were it not renewed) is due.
        var renewals = 0
        while ContinuousClock.now - registered < .milliseconds(600) {
            try renewing.send(TestClient.register, to: engine.consumerAddress)
            renewals += 1
            Thread.sleep(forTimeInterval: 0.025)
        }
        try waitUntil("the silent consumer expires") {
            engine.counters.consumersExpired.value == 1 && engine.consumerAddresses == [renewing.address]
        }
        try waitUntil("every renewal is read") { engine.sockets.receiveCounts[1] == UInt64(2 + renewals) }
        #expect(engine.consumerAddresses == [renewing.address], "the renewing consumer stays")
        #expect(engine.counters.consumersExpired.value == 1)

        try producer.send(relayPayload(0), to: engine.producerAddress)
        try producer.send(relayPayload(1), to: engine.producerAddress)
        try renewing.expectDatagrams([relayPayload(0), relayPayload(1)], "the renewing consumer")
        #expect(try silent.receive(timeout: .zero) == nil, "an expired consumer gets nothing")
    }

    @Test(
        "With no traffic at all a consumer still expires: the loop's wait ends for the timeout",
        arguments: Backend.relays
    )
    func expiryWithoutTraffic(backend: Backend) throws {
        let engine = try Engine.start(.testRelay(backend, consumerTimeout: 0.2))
        defer { engine.stop() }
        let consumer = try TestClient()

        let sent = ContinuousClock.now
        try consumer.register(with: engine)
        try waitUntil("the loop waits") { engine.counters.isWaiting }
        try waitUntil("the consumer expires") {
            engine.counters.consumersExpired.value == 1 && engine.relayConsumers?.current.isEmpty == true
        }
        let elapsed = ContinuousClock.now - sent
        // Its registration was read after it was sent, and it is due 0.2 s after that (the clocks
        // differ by rounding only).
        #expect(elapsed >= .milliseconds(195), "expired after \(elapsed)")
        #expect(engine.sockets.receiveCounts == [0, 1], "nothing but the registration came")

        // A consumer registered again later is held anew.
        try consumer.register(with: engine)
        #expect(engine.counters.consumersExpired.value == 1)
    }

    // MARK: - Trace

    @Test("--trace says who registered, renewed, was refused, left, expired and what was ignored")
    func trace() throws {
        let lines = Mutex<[String]>([])
        // A timeout of 1 s: the first consumer must outlive the steps before the second leaves.
        let engine = try Engine.start(
            .testRelay(.epollEdge, trace: true, maxConsumers: 2, consumerTimeout: 1),
            trace: { line in lines.withLock { $0.append(line) } }
        )
        defer { engine.stop() }
        let producer = try TestClient()
        let first = try TestClient()
        let second = try TestClient()
        let third = try TestClient()

        try first.register(with: engine)
        try second.register(with: engine)
        try first.send(TestClient.register, to: engine.consumerAddress)
        try third.send(TestClient.register, to: engine.consumerAddress)
        try third.send(Array("xy".utf8), to: engine.consumerAddress)
        try third.send(TestClient.leave, to: engine.consumerAddress)
        try producer.send(relayPayload(0, size: 10), to: engine.producerAddress)
        #expect(try first.expectDatagram() == relayPayload(0, size: 10))
        #expect(try second.expectDatagram() == relayPayload(0, size: 10))
        try second.leave(engine)
        try waitUntil("the first expires") { engine.counters.consumersExpired.value == 1 }

        let expected = [
            "consumer \(first.address) registered; 1 consumers.",
            "consumer \(second.address) registered; 2 consumers.",
            "consumer \(first.address) registered again.",
            "consumer \(third.address) refused: 2 consumers already.",
            "ignoring 2 bytes from consumer \(third.address).",
            "ignoring 0 from \(third.address), not a consumer.",
            "recv 10 bytes from \(producer.address).",
            "sent 10 bytes to \(first.address).",
            "sent 10 bytes to \(second.address).",
            "consumer \(second.address) left; 1 consumers.",
            "consumer \(first.address) expired; 0 consumers.",
        ]
        let traced = lines.withLock { $0 }
        for line in expected {
            #expect(traced.contains(line), "\(line) in \(traced)")
        }
        // The consumer socket's lines come in the order its datagrams were sent, and the sends
        // after the receive; the producer's datagram may be read before the consumers' are.
        let consumerLines = expected.filter { !$0.hasPrefix("recv") && !$0.hasPrefix("sent") }
        let positions = consumerLines.compactMap { traced.firstIndex(of: $0) }
        #expect(positions == positions.sorted(), "\(traced)")
        let sends = expected.filter { $0.hasPrefix("recv") || $0.hasPrefix("sent") }.compactMap {
            traced.firstIndex(of: $0)
        }
        #expect(sends == sends.sorted(), "round robin from the first consumer: \(traced)")
    }
}
