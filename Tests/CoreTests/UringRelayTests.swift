import Testing

@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// Kind relay on backend uring, with real sockets on loopback: registration and leave, every
/// produced datagram to every consumer in order, what a consumer's other datagrams count, the
/// consumer limit, expiry on a wait with nothing else to do, a ring smaller than a burst, and a
/// stop while idle. Skipped, saying why, only where io_uring cannot be used.
@Suite(
    "Relay on io_uring",
    .enabled(
        if: Backend.uring.unavailableReason == nil,
        Comment(rawValue: "SKIPPED: io_uring unavailable: \(Backend.uring.unavailableReason ?? "")")
    )
)
struct UringRelayTests {
    /// A running relay on backend uring and its two addresses.
    struct Relay {
        let engine: Engine
        var producers: SocketAddress { engine.sockets.addresses[0] }
        var consumers: SocketAddress { engine.sockets.addresses[1] }

        init(queue: Int? = nil, batch: Int? = nil, maxConsumers: Int? = nil, consumerTimeout: Double? = nil) throws {
            let loopback = try SocketAddress(parsing: "127.0.0.1:0")
            engine = try Engine.start(
                EngineSpec(
                    kind: .relay,
                    backend: .uring,
                    bind: loopback,
                    queue: queue,
                    batch: batch,
                    consumerBind: loopback,
                    maxConsumers: maxConsumers,
                    consumerTimeout: consumerTimeout
                )
            )
        }

        var consumerCount: Int { engine.relayConsumers?.current.count ?? 0 }

        /// Registers `client` and waits until the relay holds `count` consumers.
        func register(_ client: TestClient, expecting count: Int) throws {
            try client.send(Array("1".utf8), to: consumers)
            try waitUntil("\(count) consumers") { consumerCount == count }
        }
    }

    @Test("A consumer registers with 1, is relayed to, and leaves with 0")
    func registrationAndLeave() throws {
        let relay = try Relay()
        defer { relay.engine.stop() }
        let producer = try TestClient()
        let first = try TestClient()
        let second = try TestClient()
        try relay.register(first, expecting: 1)
        #expect(relay.engine.relayConsumers?.current.map(\.address) == [first.address])

        try producer.send([1, 2, 3], to: relay.producers)
        let (bytes, source) = try #require(try first.receive())
        #expect(bytes == [1, 2, 3])
        #expect(source == relay.consumers, "relayed from the consumer socket")

        try first.send(Array("0".utf8), to: relay.consumers)
        try waitUntil("the consumer left") { relay.consumerCount == 0 }
        try relay.register(second, expecting: 1)
        try producer.send([4], to: relay.producers)
        try producer.send([5], to: relay.producers)
        #expect(try second.expectDatagram() == [4])
        #expect(try second.expectDatagram() == [5])
        // A send of 4 to the first would have been in the round that sent 4 to the second,
        // done before the round of 5 was queued.
        #expect(try first.receive(timeout: .zero)?.bytes == nil, "nothing after it left")
        // A send is counted when its completion is handled, after loopback delivered it.
        try waitUntil("3 sends are counted") { relay.engine.counters.txDatagrams.value == 3 }
        let counters = relay.engine.counterSnapshot()
        #expect(counters.consumerIgnored == 0)
        #expect(relay.engine.sockets.receiveCounts == [3, 3])
    }

    @Test(
        "Three consumers each receive every produced datagram, whole and in order (--batch 1: a round of one, in turn)",
        arguments: [nil, 1]
    )
    func everyConsumerGetsEverything(batch: Int?) throws {
        let relay = try Relay(queue: 128, batch: batch)
        defer { relay.engine.stop() }
        let producer = try TestClient()
        let clients = try (0..<3).map { _ in try TestClient() }
        for (index, client) in clients.enumerated() { try relay.register(client, expecting: index + 1) }

        // Few and small enough for each client's receive buffer to hold them all.
        let payloads = makePayloads(count: 100, sizes: 4...400)
        for payload in payloads { try producer.send(payload, to: relay.producers) }
        for client in clients {
            for payload in payloads { #expect(try client.expectDatagram() == payload) }
        }
        try waitUntil("300 sends are counted") { relay.engine.counters.txDatagrams.value == 300 }
        let counters = relay.engine.counterSnapshot()
        #expect(counters.rxDatagrams == 103, "100 produced, 3 registrations")
        #expect(counters.dropped == 0)
        #expect(counters.errors == 0)
        #expect(relay.engine.sockets.receiveCounts == [100, 3])
        for consumer in relay.engine.relayConsumers?.current ?? [] {
            #expect(consumer.relayed.value == 100)
            #expect(consumer.dropped.value == 0)
            #expect(consumer.queueHighWater.value >= 1)
        }
    }

    @Test("With --queue 2 a burst reaches a consumer whole and in order, less the oldest it is counted as losing")
    func smallRingDropsOldest() throws {
        let relay = try Relay(queue: 2)
        defer { relay.engine.stop() }
        let producer = try TestClient()
        let consumer = try TestClient()
        try relay.register(consumer, expecting: 1)

        let payloads = makePayloads(count: 100, sizes: 4...400)
        for payload in payloads { try producer.send(payload, to: relay.producers) }
        try waitUntil("all 100 are relayed or dropped") {
            guard let entry = relay.engine.relayConsumers?.current.first else { return false }
            return entry.relayed.value + entry.dropped.value == 100
        }
        let entry = try #require(relay.engine.relayConsumers?.current.first)
        var received: [[UInt8]] = []
        while let (bytes, _) = try consumer.receive(timeout: .zero) { received.append(bytes) }
        #expect(UInt64(received.count) == entry.relayed.value)
        // Each one whole (its slot not overwritten under its send) and the indices increasing.
        var last = -1
        for bytes in received {
            let index = bytes.prefix(4).reduce(0) { $0 << 8 | Int($1) }
            #expect(index > last)
            #expect(index < payloads.count && bytes == payloads[index])
            last = index
        }
        #expect(entry.queueHighWater.value <= 2)
        #expect(relay.engine.counterSnapshot().dropped == entry.dropped.value)
    }

    @Test("Datagrams from consumers other than exactly 1 or 0 count in consumer_ignored; so does 0 from a stranger")
    func ignoredDatagrams() throws {
        let relay = try Relay()
        defer { relay.engine.stop() }
        let stranger = try TestClient()
        for datagram in [Array("11".utf8), [], Array("2".utf8), Array("0".utf8)] {
            try stranger.send(datagram, to: relay.consumers)
        }
        try waitUntil("four are ignored") { relay.engine.counters.consumerIgnored.value == 4 }
        #expect(relay.consumerCount == 0)
        #expect(relay.engine.sockets.receiveCounts == [0, 4])
    }

    @Test("Past --max-consumers a registration is refused; a consumer registering again is not")
    func maxConsumers() throws {
        let relay = try Relay(maxConsumers: 2)
        defer { relay.engine.stop() }
        let clients = try (0..<3).map { _ in try TestClient() }
        try relay.register(clients[0], expecting: 1)
        try relay.register(clients[1], expecting: 2)
        try clients[2].send(Array("1".utf8), to: relay.consumers)
        try waitUntil("one refusal") { relay.engine.counters.consumersRefused.value == 1 }
        try clients[0].send(Array("1".utf8), to: relay.consumers)
        try waitUntil("the renewal is read") { relay.engine.sockets.receiveCounts[1] == 4 }
        #expect(relay.engine.counters.consumersRefused.value == 1)
        #expect(relay.engine.relayConsumers?.current.map(\.address) == [clients[0].address, clients[1].address])
    }

    @Test("A consumer that does not register again expires after --consumer-timeout, with no traffic to wake the loop")
    func expiryWithoutTraffic() throws {
        let relay = try Relay(consumerTimeout: 0.2)
        defer { relay.engine.stop() }
        let client = try TestClient()
        let registered = ContinuousClock.now
        try relay.register(client, expecting: 1)
        try waitUntil("it expires") { relay.consumerCount == 0 }
        #expect(ContinuousClock.now - registered >= .milliseconds(200))
        #expect(relay.engine.counters.consumersExpired.value == 1)
        try waitUntil("the loop waits again") { relay.engine.isWaiting }
    }

    @Test("A relay stopped while idle stops, and both its ports are free at once")
    func stopWhileIdle() throws {
        let relay = try Relay()
        let producers = relay.producers
        let consumers = relay.consumers
        try waitUntil("the loop waits") { relay.engine.isWaiting }
        relay.engine.stop()
        #expect(relay.engine.state == .stopped)
        #expect(relay.engine.counterSnapshot().errors == 0, "the receives' cancellation is no error")
        _ = try UDPSocket(binding: producers)
        _ = try UDPSocket(binding: consumers)
    }
}
