import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

/// Reload validates the whole config first, then starts, stops and restarts declared engines:
/// all or nothing, replying only when done.
@Suite("Reload", .serialized)
struct ReloadTests {
    static func config(_ engines: [(name: String, backend: String, bind: String)]) -> String {
        var text = "[daemon]\nstats_interval = \"1h\"\n"
        for engine in engines {
            text +=
                "\n[[engine]]\nname = \"\(engine.name)\"\nkind = \"echo\"\nbackend = \"\(engine.backend)\"\nbind = \"\(engine.bind)\"\n"
        }
        return text
    }

    private func engines(_ daemon: DaemonHarness) throws -> [String: EngineInfo] {
        let list = try daemon.connect().call(ListMethod.name).decodeParameters(ListMethod.Reply.self).engines
        return Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
    }

    @Test("SIGHUP and Reload both add, remove and change declared engines")
    func reconciles() throws {
        let daemon = try DaemonHarness(
            config: Self.config([("a", "poll", "127.0.0.1:0"), ("b", "select", "127.0.0.1:0")])
        )
        try daemon.start()
        let runtime = try daemon.connect().call(StartMethod.name, #"{"name":"r","kind":"echo","bind":"127.0.0.1:0"}"#)
        #expect(runtime.error == nil)
        #expect(Set(try engines(daemon).keys) == ["a", "b", "r"])

        // SIGHUP: change a, remove b, add c.
        try daemon.writeConfig(
            Self.config([("a", "epoll-edge", "127.0.0.1:0"), ("c", "reactor-level", "127.0.0.1:0")])
        )
        daemon.child?.hangUp()
        try daemon.child?.waitForStderrLine { $0.contains("reload ok") }
        var now = try engines(daemon)
        #expect(Set(now.keys) == ["a", "c", "r"], "runtime engines are not touched by reload")
        #expect(now["a"]?.backend == "epoll-edge")
        #expect(now["c"]?.origin == "config")

        // Reload: replies when done, with what changed.
        try daemon.writeConfig(Self.config([("a", "epoll-edge", "127.0.0.1:0"), ("d", "flipflop", "127.0.0.1:0")]))
        let reply = try daemon.connect().call(ReloadMethod.name).decodeParameters(ReloadMethod.Reply.self)
        #expect(reply == ReloadMethod.Reply(started: ["d"], stopped: ["c"], restarted: [], unchanged: ["a"]))
        now = try engines(daemon)
        #expect(Set(now.keys) == ["a", "d", "r"])
    }

    @Test("An invalid file is rejected with its reason and nothing changes")
    func rejectsInvalidConfig() throws {
        let daemon = try DaemonHarness(config: Self.config([("a", "poll", "127.0.0.1:0")]))
        try daemon.start()
        let before = try engines(daemon)

        try daemon.writeConfig(Self.config([("a", "nope", "127.0.0.1:0"), ("z", "poll", "127.0.0.1:0")]))
        let reply = try daemon.connect().call(ReloadMethod.name)
        #expect(reply.error == "io.udplab.InvalidSpec")
        let reason = reply.object["reason"] as? String ?? ""
        #expect(reason.contains("udplabd.toml:7"), "the reason names the line: \(reason)")
        #expect(reason.contains("nope"))
        #expect(try engines(daemon) == before)

        daemon.child?.hangUp()
        try daemon.child?.waitForStderrLine { $0.contains("reload failed") }
        #expect(try engines(daemon) == before)
    }

    @Test("If one declared engine cannot start, the reload is undone")
    func allOrNothing() throws {
        let daemon = try DaemonHarness(config: Self.config([("a", "poll", "127.0.0.1:0")]))
        try daemon.start()
        let before = try engines(daemon)
        let holder = try UDPSocket(binding: .init(loopbackPort: 0))

        try daemon.writeConfig(
            Self.config([("b", "select", "127.0.0.1:0"), ("c", "poll", holder.localAddress.description)])
        )
        let reply = try daemon.connect().call(ReloadMethod.name)
        #expect(reply.error == "io.udplab.AddressInUse", "the error keeps its class (udplabctl exits 68)")
        #expect(reply.object["address"] as? String == holder.localAddress.description)
        let after = try engines(daemon)
        #expect(Set(after.keys) == ["a"], "a is back, b was not kept")
        #expect(after["a"]?.state == "running")
        _ = before
    }

    @Test("A declared name that a runtime engine holds is refused, nothing changes")
    func nameClash() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        #expect(
            try daemon.connect().call(StartMethod.name, #"{"name":"x","kind":"echo","bind":"127.0.0.1:0"}"#).error
                == nil
        )
        try daemon.writeConfig(Self.config([("x", "poll", "127.0.0.1:0")]))
        let reply = try daemon.connect().call(ReloadMethod.name)
        #expect(reply.error == "io.udplab.EngineExists")
        #expect(try engines(daemon)["x"]?.origin == "runtime")
    }

    @Test("Restart keeps an engine's origin: a config engine stays under reload's control")
    func restartKeepsOrigin() throws {
        let daemon = try DaemonHarness(config: Self.config([("a", "poll", "127.0.0.1:0")]))
        try daemon.start()
        let before = try #require(try engines(daemon)["a"])
        let reply = try daemon.connect().call(RestartMethod.name, #"{"name":"a"}"#).decodeParameters(
            RestartMethod.Reply.self
        )
        #expect(reply.engine.origin == "config" && reply.engine.state == "running")
        #expect(reply.engine.startedUsec > before.startedUsec)
        #expect(try daemon.connect().call(RestartMethod.name, #"{"name":"ghost"}"#).error == "io.udplab.EngineNotFound")
        try daemon.writeConfig(Self.config([]))
        #expect(try daemon.connect().call(ReloadMethod.name).decodeParameters(ReloadMethod.Reply.self).stopped == ["a"])
    }
}
