import Testing

@testable import UDPLabEngines
@testable import UDPLabProtocol

@Suite("Echo engine")
struct EchoEngineTests {
    @Test("1,000 datagrams of 1–1500 bytes from three clients are echoed verbatim", arguments: Backend.allCases)
    func echoesEveryDatagramVerbatim(backend: Backend) throws {
        let engine = try Engine.start(.testEcho(backend))
        defer { engine.stop() }
        let clients = try (0..<3).map { _ in try TestClient() }
        let payloads = makePayloads(count: 1000)

        // Batches of 30 keep every socket buffer far from full, so the kernel drops nothing.
        var echoed = Array(repeating: [[UInt8]](), count: 3)
        var sent = Array(repeating: [[UInt8]](), count: 3)
        for batch in stride(from: 0, to: payloads.count, by: 30) {
            let range = batch..<min(batch + 30, payloads.count)
            for index in range {
                try clients[index % 3].send(payloads[index], to: engine.localAddress)
                sent[index % 3].append(payloads[index])
            }
            for index in range {
                echoed[index % 3].append(try clients[index % 3].expectDatagram())
            }
        }
        for client in 0..<3 {
            #expect(echoed[client] == sent[client], "client \(client) got its datagrams back verbatim and in order")
        }

        let totalBytes = UInt64(payloads.reduce(0) { $0 + $1.count })
        try waitUntil("tx_datagrams reaches 1000") { engine.counters.txDatagrams.value == 1000 }
        let counters = engine.counters.snapshot()
        #expect(counters.rxDatagrams == 1000)
        #expect(counters.txDatagrams == 1000)
        #expect(counters.rxBytes == totalBytes)
        #expect(counters.txBytes == totalBytes)
        #expect(counters.dropped == 0)
        #expect(counters.errors == 0)
        #expect(engine.residence.summary().count == 1000)
        #expect(engine.state == .running)
    }

    @Test("A 65,507-byte datagram into a 1500-byte buffer is counted as truncated", arguments: Backend.udplabLoops)
    func countsTruncation(backend: Backend) throws {
        let engine = try Engine.start(.testEcho(backend, buffer: 1500))
        defer { engine.stop() }
        let client = try TestClient()
        let jumbo = [UInt8](repeating: 0xAB, count: 65507)

        try client.send(jumbo, to: engine.localAddress)
        let echo = try client.expectDatagram()
        #expect(echo == Array(jumbo.prefix(1500)), "what fit in the buffer is echoed")
        #expect(engine.counters.truncated.value == 1)
        #expect(engine.counters.rxBytes.value == 1500)

        // And the engine carries on.
        try client.send([1, 2, 3], to: engine.localAddress)
        #expect(try client.expectDatagram() == [1, 2, 3])
        #expect(engine.state == .running)
    }

    @Test("IPv6: an engine on [::1] echoes", arguments: [Backend.reactorEdge, .select])
    func echoesOverIPv6(backend: Backend) throws {
        let engine = try Engine.start(.testEcho(backend, ipv6: true))
        defer { engine.stop() }
        #expect(engine.localAddress.description.hasPrefix("[::1]:"))
        let client = try TestClient(ipv6: true)
        try client.send(Array("hello".utf8), to: engine.localAddress)
        #expect(try client.expectDatagram() == Array("hello".utf8))
    }

    @Test("A busy address is a typed error naming the address, and nothing else changes")
    func reportsAddressInUse() throws {
        let first = try Engine.start(.testEcho(.epollEdge))
        defer { first.stop() }
        var spec = EngineSpec.testEcho(.reactorEdge)
        spec.bind = first.localAddress
        #expect(throws: EngineError.addressInUse(first.localAddress)) { try Engine.start(spec) }
        #expect(
            EngineError.addressInUse(first.localAddress).description
                == "address \(first.localAddress) is already in use"
        )

        let client = try TestClient()
        try client.send([42], to: first.localAddress)
        #expect(try client.expectDatagram() == [42], "the first engine still echoes")
    }

    @Test("Options out of range are rejected before anything is bound")
    func rejectsBadOptions() throws {
        for spec in [
            EngineSpec.testEcho(.poll, queue: 0),
            EngineSpec.testEcho(.poll, queue: 5000),
            EngineSpec.testEcho(.poll, buffer: 0),
            EngineSpec.testEcho(.poll, buffer: 65536),
            EngineSpec.testEcho(.flipflop, queue: 8),
            EngineSpec(backend: .epollEdge, bind: .init(loopbackPort: 0), budget: -1),
        ] {
            #expect(throws: EngineError.self) { try Engine.start(spec) }
            do {
                _ = try Engine.start(spec)
            } catch {
                guard case .invalidSpec(let reason) = error else {
                    Issue.record("expected invalidSpec, got \(error)")
                    continue
                }
                #expect(reason.hasPrefix("--"), "the reason names the option: \(reason)")
            }
        }
    }
}
