import Testing

@testable import UDPLabEngineKit
@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// What a relay engine holds at most (`--max-consumers`, with real sockets on every relay
/// backend), and what a relay spec may ask: the backends that refuse the kind, the consumer
/// address, and the options of other kinds.
@Suite("Relay limits and spec checks")
struct RelayLimitTests {
    @Test(
        "With --max-consumers 2 a third registration is refused and gets nothing; after one leaves, it can register",
        arguments: Backend.relays
    )
    func maxConsumers(backend: Backend) throws {
        let engine = try Engine.start(.testRelay(backend, maxConsumers: 2))
        defer { engine.stop() }
        let producer = try TestClient()
        let first = try TestClient()
        let second = try TestClient()
        let third = try TestClient()

        try first.register(with: engine)
        try second.register(with: engine)
        try third.send(TestClient.register, to: engine.consumerAddress)
        try waitUntil("the third is refused") { engine.counters.consumersRefused.value == 1 }
        #expect(engine.consumerAddresses == [first.address, second.address])

        try producer.send(relayPayload(0), to: engine.producerAddress)
        try producer.send(relayPayload(1), to: engine.producerAddress)
        try first.expectDatagrams([relayPayload(0), relayPayload(1)], "the first")
        try second.expectDatagrams([relayPayload(0), relayPayload(1)], "the second")
        // Round robin over the table: a third consumer's copy of 0 would have gone before the
        // first's copy of 1.
        #expect(try third.receive(timeout: .zero) == nil, "a refused consumer gets nothing")

        try first.leave(engine)
        try third.register(with: engine)
        #expect(engine.consumerAddresses == [second.address, third.address])
        #expect(engine.counters.consumersRefused.value == 1)
        try producer.send(relayPayload(2), to: engine.producerAddress)
        try producer.send(relayPayload(3), to: engine.producerAddress)
        try third.expectDatagrams([relayPayload(2), relayPayload(3)], "the third, registered")
        try second.expectDatagrams([relayPayload(2), relayPayload(3)], "the second")
        #expect(try first.receive(timeout: .zero) == nil, "the first has left")
    }

    // MARK: - Spec checks

    @Test(
        "A backend without a relay loop refuses the kind, naming itself and the relay backends",
        arguments: Backend.allCases.filter { $0.traits.refusesRelay != nil }
    )
    func refusingBackends(backend: Backend) throws {
        let reason = try #require(backend.traits.refusesRelay)
        let message =
            "backend \(backend.rawValue) does not run kind relay: \(reason); a relay runs on select, poll, epoll-level, epoll-edge, reactor-level, reactor-edge, task, mmsg, uring"
        let spec = EngineSpec.testRelay(backend)
        #expect(spec.problems() == [EngineSpec.Problem(option: .backend, message: message)])
        #expect(throws: EngineError.invalidSpec(message)) { try Engine.start(spec) }
    }

    @Test("The relay backends are exactly the readiness loops, task, mmsg and uring")
    func relayBackends() {
        #expect(
            Backend.allCases.filter { $0.traits.refusesRelay == nil } == [
                .select, .poll, .epollLevel, .epollEdge, .reactorLevel, .reactorEdge, .task, .mmsg, .uring,
            ]
        )
        for backend in Backend.allCases where backend.traits.refusesRelay == nil {
            #expect(EngineSpec.testRelay(backend).problems().isEmpty, "\(backend)")
        }
    }

    @Test(
        "The consumer address must differ from --bind, and --bind at port 65535 needs --consumer-bind",
        arguments: [
            (
                "127.0.0.1:5000", "127.0.0.1:5000",
                "--consumer-bind 127.0.0.1:5000 is --bind's own address: producers and consumers need a socket each"
            ),
            (
                "[::1]:5000", "[::1]:5000",
                "--consumer-bind [::1]:5000 is --bind's own address: producers and consumers need a socket each"
            ),
            (
                "127.0.0.1:65535", nil,
                "--bind 127.0.0.1:65535 leaves no next port for the consumers: give --consumer-bind"
            ),
        ] as [(String, String?, String)]
    )
    func consumerAddress(bind: String, consumerBind: String?, message: String) throws {
        let spec = EngineSpec(
            kind: .relay,
            bind: try SocketAddress(parsing: bind),
            consumerBind: try consumerBind.map { try SocketAddress(parsing: $0) }
        )
        #expect(spec.problems().map(\.message) == [message])
        #expect(throws: EngineError.invalidSpec(message)) { try Engine.start(spec) }
    }

    @Test("Consumer addresses that are fine: the next port by default, another port, another host")
    func consumerAddressDefaults() throws {
        let spec = EngineSpec(kind: .relay, bind: try SocketAddress(parsing: "127.0.0.1:5000"))
        #expect(spec.effectiveConsumerBind == (try SocketAddress(parsing: "127.0.0.1:5001")))
        #expect(spec.problems().isEmpty)
        let last = EngineSpec(
            kind: .relay,
            bind: try SocketAddress(parsing: "127.0.0.1:65535"),
            consumerBind: try SocketAddress(parsing: "127.0.0.1:65534")
        )
        #expect(last.problems().isEmpty)
        let otherHost = EngineSpec(
            kind: .relay,
            bind: try SocketAddress(parsing: "127.0.0.1:5000"),
            consumerBind: try SocketAddress(parsing: "127.0.0.2:5000")
        )
        #expect(otherHost.problems().isEmpty)
        // Port 0 for both: the kernel picks two ports.
        #expect(EngineSpec.testRelay(.poll).effectiveConsumerBind == SocketAddress(loopbackPort: 0))
    }

    @Test("The consumer address is bound: a busy one fails the start, and the producer socket is closed again")
    func busyConsumerAddress() throws {
        let holder = try TestClient()
        // A port free now: bound by a client that is gone when the closure returns.
        let producers = try { try TestClient().address }()
        let spec = EngineSpec(kind: .relay, bind: producers, consumerBind: holder.address)
        #expect(throws: EngineError.addressInUse(holder.address)) { try Engine.start(spec) }
        // (Not a count of this process's descriptors: the other suites open theirs meanwhile.)
        _ = try TestClient(binding: producers)
    }

    @Test(
        "Options of other kinds are refused for a relay, and the relay's options for an echo engine",
        arguments: [
            (EngineKind.relay, EngineOption.count, EngineOptionValue.integer(3), "multisocket engines"),
            (.relay, .threads, .integer(2), "echo engines"),
            (.relay, .reply, .text("sockperf"), nil),
            (.relay, .interval, .seconds(1), nil),
            (.echo, .consumerBind, .text("127.0.0.1:3000"), "relay engines"),
            (.echo, .maxConsumers, .integer(4), "relay engines"),
            (.echo, .consumerTimeout, .seconds(30), "relay engines"),
            (.multisocket, .maxConsumers, .integer(4), "relay engines"),
        ] as [(EngineKind, EngineOption, EngineOptionValue, String?)]
    )
    func otherKindsOptions(kind: EngineKind, option: EngineOption, value: EngineOptionValue, phrase: String?) throws {
        var options: [EngineOption: EngineOptionValue] = [.bind: .text("127.0.0.1:0")]
        options[option] = value
        let spec = try EngineSpec(kind: kind, options: options)
        let problems = spec.problems()
        let prefix = "\(option) does not apply to kind \(kind.rawValue): it is for "
        #expect(problems.map(\.option) == [option], "\(problems)")
        #expect(problems.first?.message.hasPrefix(prefix) == true, "\(problems)")
        if let phrase {
            #expect(problems.first?.message == prefix + phrase)
        }
        #expect(throws: EngineError.self) { try Engine.start(spec) }
    }

    @Test("The relay's own options and --queue, --budget, --batch are taken by a relay")
    func relayOptionsApply() throws {
        let spec = try EngineSpec(
            kind: .relay,
            options: [
                .backend: .text("mmsg"), .bind: .text("127.0.0.1:0"), .consumerBind: .text("127.0.0.1:0"),
                .maxConsumers: .integer(3), .consumerTimeout: .seconds(0.5), .queue: .integer(64),
                .budget: .integer(4), .batch: .integer(8),
            ]
        )
        #expect(spec.problems().isEmpty, "\(spec.problems())")
        #expect(spec.effectiveMaxConsumers == 3)
        #expect(spec.effectiveConsumerTimeout == .milliseconds(500))
        #expect(spec.queueCapacity == 64)
        let engine = try Engine.start(spec)
        defer { engine.stop() }
        #expect(engine.sockets.addresses.count == 2)
        #expect(engine.producerAddress != engine.consumerAddress)
        #expect(engine.relayConsumers?.current.isEmpty == true)
    }
}
