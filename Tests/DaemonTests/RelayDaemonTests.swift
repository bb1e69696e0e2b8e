import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

@testable import Daemon

/// Kind relay through a real `udplabd`: started with `udplabctl start relay`, its consumers and
/// counters in `udplabctl stats --json`, its consumer address in `udplabctl list`, its options
/// kept across a restart (engines.json), and a relay declared in the config file.
@Suite("Relay through udplabd", .serialized)
struct RelayDaemonTests {
    @Test("udplabctl start relay; 3 consumers get every datagram; stats --json shows each, list its consumer_bind")
    func startStatsList() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        // --consumer-timeout 60m: long enough that no consumer expires while the test runs, even
        // when a udplabctl run waits long for its pipes on a loaded machine.
        let started = try daemon.ctlJSON(
            [
                "start", "relay", "--name", "r", "--backend", "reactor-edge", "--bind", "127.0.0.1:0",
                "--consumer-bind", "127.0.0.1:0", "--queue", "64", "--max-consumers", "5",
                "--consumer-timeout", "60m",
            ],
            as: StartMethod.Reply.self
        )
        #expect(started.engine.kind == "relay" && started.engine.state == "running")
        #expect(started.engine.backend == "reactor-edge")
        #expect(started.engine.addresses.count == 2, "producers' and consumers' sockets")
        let producers = try SocketAddress(parsing: started.engine.addresses[0])
        let consumerSocket = try SocketAddress(parsing: started.engine.addresses[1])
        #expect(producers != consumerSocket)

        let producer = try RelayPeer()
        let consumers = try (0..<3).map { _ in try RelayPeer() }
        for consumer in consumers {
            try consumer.send(RelayPeer.register, to: consumerSocket)
        }
        try eventually("3 consumers are registered") { try stats(daemon).consumers?.count == 3 }
        // Not consumers' traffic: counted in consumer_ignored.
        try consumers[0].send(Array("hello".utf8), to: consumerSocket)
        try consumers[1].send([], to: consumerSocket)

        let payloads = (0..<20).map { Array("datagram \($0)".utf8) }
        for payload in payloads {
            try producer.send(payload, to: producers)
        }
        for consumer in consumers {
            for payload in payloads {
                #expect(try consumer.receive() == payload)
            }
        }

        try eventually("every consumer's relayed is 20") {
            try stats(daemon).consumers?.allSatisfy { $0.relayed == 20 } == true
        }
        let json = try daemon.ctlJSON(["stats", "r"], as: StatsMethod.Reply.self)
        let engine = try #require(json.engines.first)
        #expect(engine.kind == "relay")
        let table = try #require(engine.consumers)
        #expect(table.map(\.address) == consumers.map(\.address.description), "in registration order")
        #expect(table.allSatisfy { $0.dropped == 0 && $0.queueHighWater >= 1 && $0.queueHighWater <= 20 })
        #expect(engine.counters.consumerIgnored == 2)
        #expect(engine.counters.consumersRefused == 0)
        #expect(engine.counters.consumersExpired == 0)
        #expect(engine.counters.txDatagrams == 60)
        #expect(engine.counters.dropped == 0)
        #expect(engine.sockets.map(\.rxDatagrams) == [20, 5], "20 produced; 3 registrations and 2 ignored")

        // The JSON keys as a script reads them.
        let (_, raw, _) = try daemon.ctl(["stats", "r", "--json"])
        for key in [
            "\"consumers\"", "\"relayed\"", "\"queue_high_water\"", "\"consumer_ignored\"", "\"consumers_refused\"",
            "\"consumers_expired\"",
        ] {
            #expect(raw.contains(key), "\(key) in \(raw)")
        }

        let listed = try #require(try daemon.ctlJSON(["list"], as: ListMethod.Reply.self).engines.first)
        #expect(listed.consumerBind == "127.0.0.1:0", "the consumer address asked for")
        #expect(listed.maxConsumers == 5 && listed.consumerTimeout == 3600 && listed.queue == 64)
        let (_, rawList, _) = try daemon.ctl(["list", "--json"])
        #expect(rawList.contains("\"consumer_bind\""), "\(rawList)")

        // A consumer leaves: the others still get what follows.
        try consumers[1].send(RelayPeer.leave, to: consumerSocket)
        try eventually("2 consumers are left: \(try stats(daemon))") { try stats(daemon).consumers?.count == 2 }
        try producer.send(Array("after".utf8), to: producers)
        #expect(try consumers[0].receive() == Array("after".utf8))
        #expect(try consumers[2].receive() == Array("after".utf8))
        #expect(try consumers[1].receive(timeout: .zero) == nil, "nothing after 0")

        let (status, stdout, _) = try daemon.ctl(["stop", "r"])
        #expect(status == 0 && stdout.contains("stopped r"))
        _ = try UDPSocket(binding: producers)
        _ = try UDPSocket(binding: consumerSocket)
    }

    @Test("A relay comes back after kill -9 with its options, and relays again")
    func persists() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        let client = try daemon.connect()
        let parameters =
            #"{"name":"saved","kind":"relay","backend":"poll","bind":"127.0.0.1:0","consumer_bind":"127.0.0.1:0","max_consumers":7,"consumer_timeout":4500.5,"queue":16}"#
        let reply = try client.call(StartMethod.name, parameters)
        #expect(reply.error == nil, "\(reply.object)")
        let before = try #require(try list(daemon).first)

        daemon.child?.kill()
        #expect(try daemon.child?.waitForExit() == SIGKILL)
        let saved = try String(contentsOfFile: daemon.stateFile, encoding: .utf8)
        #expect(saved.contains("\"relay\""), "\(saved)")
        try daemon.start()

        let after = try #require(try list(daemon).first)
        #expect(after.name == "saved" && after.kind == "relay" && after.backend == "poll")
        #expect(after.state == "running" && after.origin == "runtime")
        #expect(after.consumerBind == before.consumerBind && after.consumerBind == "127.0.0.1:0")
        #expect(after.maxConsumers == 7 && after.consumerTimeout == 4500.5 && after.queue == 16)
        #expect(after.addresses.count == 2)

        // The restored engine relays.
        let producers = try SocketAddress(parsing: after.addresses[0])
        let consumerSocket = try SocketAddress(parsing: after.addresses[1])
        let consumer = try RelayPeer()
        try consumer.send(RelayPeer.register, to: consumerSocket)
        try eventually("the consumer is registered") { try stats(daemon, "saved").consumers?.count == 1 }
        try RelayPeer().send(Array("again".utf8), to: producers)
        #expect(try consumer.receive() == Array("again".utf8))
    }

    @Test("A relay in the config file starts with its options, the default consumer address the next port")
    func configFile() throws {
        let producers = try freePort()
        let config = """
            [daemon]
            stats_interval = "1h"

            [[engine]]
            name = "cfg"
            kind = "relay"
            backend = "epoll-level"
            bind = "127.0.0.1:\(producers.port)"
            max_consumers = 2
            consumer_timeout = "2h"
            queue = 32
            """
        let daemon = try DaemonHarness(config: config)
        try daemon.start()

        let listed = try #require(try list(daemon).first)
        #expect(listed.name == "cfg" && listed.kind == "relay" && listed.origin == "config")
        #expect(listed.state == "running", "\(listed.failure ?? "")")
        #expect(listed.consumerBind == "127.0.0.1:\(producers.port + 1)", "--bind's next port")
        #expect(listed.maxConsumers == 2 && listed.consumerTimeout == 7200 && listed.queue == 32)
        #expect(listed.addresses == ["127.0.0.1:\(producers.port)", "127.0.0.1:\(producers.port + 1)"])

        let consumerSocket = producers.withPort(producers.port + 1)
        let consumers = try (0..<3).map { _ in try RelayPeer() }
        for consumer in consumers {
            try consumer.send(RelayPeer.register, to: consumerSocket)
        }
        try eventually("the third is refused") { try stats(daemon, "cfg").counters.consumersRefused == 1 }
        #expect(try stats(daemon, "cfg").consumers?.map(\.address) == consumers.prefix(2).map(\.address.description))
        try RelayPeer().send(Array("from the config".utf8), to: producers)
        #expect(try consumers[0].receive() == Array("from the config".utf8))
        #expect(try consumers[1].receive() == Array("from the config".utf8))
    }

    @Test(
        "Start refuses a relay on a backend without one, a relay without a consumer port, relay options for echo",
        arguments: [
            (
                #"{"name":"n","kind":"relay","backend":"nio","bind":"127.0.0.1:0"}"#,
                "backend nio does not run kind relay: SwiftNIO runs its own loop, and the relay is a lesson in udplab's; a relay runs on select, poll, epoll-level, epoll-edge, reactor-level, reactor-edge, task, mmsg, uring"
            ),
            (
                #"{"name":"top","kind":"relay","bind":"127.0.0.1:65535"}"#,
                "--bind 127.0.0.1:65535 leaves no next port for the consumers: give --consumer-bind"
            ),
            (
                #"{"name":"same","kind":"relay","bind":"127.0.0.1:5000","consumer_bind":"127.0.0.1:5000"}"#,
                "--consumer-bind 127.0.0.1:5000 is --bind's own address: producers and consumers need a socket each"
            ),
            (
                #"{"name":"e","kind":"echo","bind":"127.0.0.1:0","max_consumers":3}"#,
                "--max-consumers does not apply to kind echo: it is for relay engines"
            ),
        ]
    )
    func refusals(parameters: String, reason: String) throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        let reply = try daemon.connect().call(StartMethod.name, parameters)
        #expect(reply.error == "io.udplab.InvalidSpec")
        #expect(reply.object["reason"] as? String == reason, "\(reply.object)")
        #expect(try list(daemon).isEmpty)
    }

    @Test("The config file's relay keys: consumer_bind, max_consumers, consumer_timeout")
    func configKeys() throws {
        let config = try DaemonConfig.parse(
            """
            [[engine]]
            name = "r"
            kind = "relay"
            backend = "mmsg"
            bind = "[::1]:3000"
            consumer_bind = "[::1]:4000"
            max_consumers = 9
            consumer_timeout = "90s"
            queue = 128
            batch = 16
            """,
            source: "test.toml"
        )
        let spec = try #require(config.engines.first?.spec)
        #expect(spec.kind == .relay && spec.backend == .mmsg)
        #expect(spec.consumerBind == (try SocketAddress(parsing: "[::1]:4000")))
        #expect(spec.maxConsumers == 9 && spec.consumerTimeout == 90)
        #expect(spec.queue == 128 && spec.batch == 16)
    }

    @Test(
        "A relay's problems in the config file are reported at their line",
        arguments: [
            ("[[engine]]\nkind = \"relay\"\nbackend = \"gso\"\n", 3, "backend gso does not run kind relay: "),
            (
                "[[engine]]\nkind = \"relay\"\nbind = \"127.0.0.1:65535\"\n", 3,
                "--bind 127.0.0.1:65535 leaves no next port for the consumers: give --consumer-bind"
            ),
            (
                "[[engine]]\nkind = \"relay\"\nbind = \"127.0.0.1:7000\"\nconsumer_bind = \"127.0.0.1:7000\"\n", 4,
                "--consumer-bind 127.0.0.1:7000 is --bind's own address"
            ),
            (
                "[[engine]]\nmax_consumers = 3\n", 2,
                "--max-consumers does not apply to kind echo: it is for relay engines"
            ),
            ("[[engine]]\nkind = \"relay\"\ncount = 3\n", 3, "--count does not apply to kind relay"),
            ("[[engine]]\nkind = \"relay\"\nmax_consumers = 0\n", 3, "--max-consumers 0 is out of range"),
        ]
    )
    func configProblems(text: String, line: Int, message: String) {
        do {
            _ = try DaemonConfig.parse(text, source: "test.toml")
            Issue.record("no problem found in \(text)")
        } catch {
            #expect(error.problems.count == 1, "\(error.problems)")
            #expect(error.problems.first?.line == line, "\(error.problems)")
            #expect(error.problems.first?.message.hasPrefix(message) == true, "\(error.problems)")
        }
    }

    private func list(_ daemon: DaemonHarness) throws -> [EngineInfo] {
        try daemon.connect().call(ListMethod.name).decodeParameters(ListMethod.Reply.self).engines
    }

    /// One engine's `Stats`, through the control socket.
    private func stats(_ daemon: DaemonHarness, _ name: String = "r") throws -> EngineStats {
        let reply = try daemon.connect().call(StatsMethod.name, #"{"names":["\#(name)"]}"#)
        guard let engine = try reply.decodeParameters(StatsMethod.Reply.self).engines.first else {
            throw ChildFailure("no stats for \(name)")
        }
        return engine
    }

    /// A loopback address whose port and the next are free now (bound and released).
    private func freePort() throws -> SocketAddress {
        for _ in 0..<50 {
            let probe = try UDPSocket(binding: SocketAddress(loopbackPort: 0))
            let address = probe.localAddress
            guard address.port < UInt16.max else { continue }
            if (try? UDPSocket(binding: address.withPort(address.port + 1))) != nil { return address }
        }
        throw ChildFailure("no two free consecutive ports")
    }

    /// Waits until `condition` holds, checking every 10 ms, for at most 10 s: a wait on what the
    /// daemon reports, not a sleep standing in for it.
    private func eventually(_ what: @autoclosure () throws -> String, _ condition: () throws -> Bool) throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while try !condition() {
            if ContinuousClock.now >= deadline { throw ChildFailure("timed out waiting until \(try what())") }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}

/// A relay producer or consumer: a UDP socket on loopback whose receives wait up to a deadline.
private final class RelayPeer {
    static let register: [UInt8] = [UInt8(ascii: "1")]
    static let leave: [UInt8] = [UInt8(ascii: "0")]

    let socket: UDPSocket
    private var buffer = [UInt8](repeating: 0, count: 2048)

    init() throws {
        socket = try UDPSocket(binding: SocketAddress(loopbackPort: 0))
    }

    var address: SocketAddress { socket.localAddress }

    func send(_ bytes: [UInt8], to address: SocketAddress) throws {
        let result = try bytes.withUnsafeBytes { try socket.send($0, to: address) }
        guard case .processed(let count) = result, count == bytes.count else {
            throw ChildFailure("send to \(address) did not complete: \(result)")
        }
    }

    /// One datagram's bytes, or `nil` when none comes within `timeout`.
    func receive(timeout: Duration = .seconds(5)) throws -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let result = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0) }
            if case .processed(let datagram) = result { return Array(buffer[..<datagram.byteCount]) }
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { return nil }
            var pollSet = PollSet()
            pollSet.append(socket.descriptor, events: .readable)
            _ = try pollSet.wait(timeout: remaining)
        }
    }
}
