import Foundation
import Testing
import UDPLabCore

/// Engines started through the socket survive a crash; transient ones do not; a damaged state
/// file is moved aside, never silently overwritten.
@Suite("Persistence", .serialized)
struct PersistenceTests {
    @Test("Three engines come back with their specs after kill -9; a transient one does not")
    func survivesKill() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        let client = try daemon.connect()
        let starts = [
            #"{"name":"p1","kind":"echo","backend":"poll","bind":"127.0.0.1:0"}"#,
            #"{"name":"p2","kind":"echo","backend":"epoll-edge","bind":"127.0.0.1:0","queue":4}"#,
            #"{"name":"p3","kind":"echo","backend":"select","bind":"[::1]:0","buffer":2000,"budget":2}"#,
            #"{"name":"t1","kind":"echo","bind":"127.0.0.1:0","transient":true}"#,
        ]
        for parameters in starts {
            #expect(try client.call(StartMethod.name, parameters).error == nil)
        }
        let before = try list(daemon).filter { $0.name != "t1" }

        daemon.child?.kill()
        #expect(try daemon.child?.waitForExit() == SIGKILL)
        try daemon.start()

        let after = try list(daemon)
        #expect(after.map(\.name) == ["p1", "p2", "p3"])
        for (old, new) in zip(before, after) {
            #expect(new.backend == old.backend && new.bind == old.bind && new.queue == old.queue)
            #expect(new.buffer == old.buffer && new.budget == old.budget && new.origin == "runtime")
            #expect(new.state == "running")
        }
    }

    @Test("A stopped engine is forgotten; a clean restart keeps the rest")
    func stopForgets() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        let client = try daemon.connect()
        #expect(try client.call(StartMethod.name, #"{"name":"keep","kind":"echo","bind":"127.0.0.1:0"}"#).error == nil)
        #expect(try client.call(StartMethod.name, #"{"name":"drop","kind":"echo","bind":"127.0.0.1:0"}"#).error == nil)
        #expect(try client.call(StopMethod.name, #"{"names":["drop"]}"#).error == nil)
        #expect(try daemon.stop() == 0)
        try daemon.start()
        #expect(try list(daemon).map(\.name) == ["keep"])
    }

    @Test("A truncated engines.json is moved aside and the daemon starts")
    func corruptStateFile() throws {
        let daemon = try DaemonHarness()
        try FileManager.default.createDirectory(atPath: daemon.stateDirectory, withIntermediateDirectories: true)
        try #"{"version":1,"engines":[{"name":"p1","spec":{"kind":"ec"#.write(
            toFile: daemon.stateFile,
            atomically: true,
            encoding: .utf8
        )
        let child = try daemon.start()
        #expect(child.stderr.contains("state file unreadable, moved aside"))
        let files = try FileManager.default.contentsOfDirectory(atPath: daemon.stateDirectory)
        #expect(files.contains { $0.hasPrefix("engines.json.corrupt-") })
        #expect(try list(daemon).isEmpty)
    }

    private func list(_ daemon: DaemonHarness) throws -> [EngineInfo] {
        try daemon.connect().call(ListMethod.name).decodeParameters(ListMethod.Reply.self).engines
    }
}
