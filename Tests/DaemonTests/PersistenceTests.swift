import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

/// Engines started through the socket survive a crash; transient ones do not; a damaged state
/// file is moved aside, never silently overwritten; one that cannot be used stops the daemon.
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

    // MARK: - A state file that cannot be used

    @Test("A state file that cannot be read (a directory at its name) stops the daemon: exit 74, untouched")
    func unreadableStateFileRefusesToStart() throws {
        let daemon = try DaemonHarness()
        try FileManager.default.createDirectory(atPath: daemon.stateFile, withIntermediateDirectories: true)
        try "keep".write(toFile: daemon.stateFile + "/inside", atomically: true, encoding: .utf8)

        let (status, stderr) = try daemon.runExpectingExit()
        #expect(status == 74)
        #expect(stderr.contains("cannot read \(daemon.stateFile) (open"))
        #expect(try String(contentsOfFile: daemon.stateFile + "/inside", encoding: .utf8) == "keep")
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
    }

    @Test("A state file of an unknown version stops the daemon: exit 65, the file byte for byte as it was")
    func unknownVersionRefusesToStart() throws {
        let daemon = try DaemonHarness()
        try FileManager.default.createDirectory(atPath: daemon.stateDirectory, withIntermediateDirectories: true)
        let text =
            #"{"version":2,"engines":[{"name":"p1","spec":{"kind":"echo","backend":"poll","bind":"127.0.0.1:0","trace":false}}]}"#
        try text.write(toFile: daemon.stateFile, atomically: true, encoding: .utf8)

        let (status, stderr) = try daemon.runExpectingExit()
        #expect(status == 65)
        #expect(stderr.contains("has version 2, this udplabd reads version 1 only"))
        #expect(try String(contentsOfFile: daemon.stateFile, encoding: .utf8) == text)
        #expect(try FileManager.default.contentsOfDirectory(atPath: daemon.stateDirectory) == ["engines.json"])
    }

    @Test("A persistent Start whose save fails answers InternalError and leaves nothing running")
    func failedSaveRollsBack() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        let client = try daemon.connect()
        // A directory where the file must be renamed to: every save now fails (even for root).
        try FileManager.default.createDirectory(atPath: daemon.stateFile, withIntermediateDirectories: true)
        let reply = try client.call(StartMethod.name, #"{"name":"lost","kind":"echo","bind":"127.0.0.1:0"}"#)
        #expect(reply.error == "io.udplab.InternalError")
        #expect((reply.object["reason"] as? String)?.contains("cannot save \(daemon.stateFile)") == true)
        #expect(try list(daemon).isEmpty)
        // A transient engine needs no save.
        #expect(
            try client.call(StartMethod.name, #"{"name":"t","kind":"echo","bind":"127.0.0.1:0","transient":true}"#)
                .error == nil
        )

        try FileManager.default.removeItem(atPath: daemon.stateFile)
        #expect(try client.call(StartMethod.name, #"{"name":"kept","kind":"echo","bind":"127.0.0.1:0"}"#).error == nil)
        daemon.child?.kill()
        _ = try daemon.child?.waitForExit()
        try daemon.start()
        #expect(try list(daemon).map(\.name) == ["kept"])
    }

    // MARK: - Backups and leftovers

    @Test("A corrupt file is moved aside under a new name: no earlier backup is replaced")
    func backupsAreNeverReplaced() throws {
        let daemon = try DaemonHarness()
        try FileManager.default.createDirectory(atPath: daemon.stateDirectory, withIntermediateDirectories: true)
        // A backup for every second the daemon may take as its time, as if set aside just before.
        let now = Int(Date().timeIntervalSince1970)
        let seconds = (now - 2)...(now + 30)
        for second in seconds {
            try "backup \(second)".write(
                toFile: daemon.stateFile + ".corrupt-\(second)",
                atomically: false,
                encoding: .utf8
            )
        }
        try "{ corrupt".write(toFile: daemon.stateFile, atomically: false, encoding: .utf8)

        let child = try daemon.start()
        #expect(child.stderr.contains("state file unreadable, moved aside"))
        for second in seconds {
            let text = try String(contentsOfFile: daemon.stateFile + ".corrupt-\(second)", encoding: .utf8)
            #expect(text == "backup \(second)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: daemon.stateDirectory)
        let new = files.filter { $0.hasPrefix("engines.json.corrupt-") && $0.hasSuffix("-2") }
        #expect(new.count == 1)
        #expect(
            try new.map { try String(contentsOfFile: daemon.stateDirectory + "/" + $0, encoding: .utf8) } == [
                "{ corrupt"
            ]
        )
    }

    @Test("Temporary files a killed save left are removed at the next start (a live process's are not)")
    func leftoverTemporaryFilesAreRemoved() throws {
        let daemon = try DaemonHarness()
        try daemon.writeStateFile([try .named("p1", EngineSpec(bind: SocketAddress(loopbackPort: 0)))])
        // A dead writer's (no pid is above 2^22), a live one's (this test process: it might be
        // another daemon's save in progress), and a file that is none of udplabd's.
        let live = "engines.json.tmp-\(ProcessInfo.processInfo.processIdentifier)"
        for name in ["engines.json.tmp-99999999", live, "engines.json.tmp-notes"] {
            try "{\"version\":1,\"eng".write(
                toFile: daemon.stateDirectory + "/" + name,
                atomically: false,
                encoding: .utf8
            )
        }

        let child = try daemon.start()
        #expect(child.stderr.contains("removed a temporary file left by an interrupted save"))
        let files = try FileManager.default.contentsOfDirectory(atPath: daemon.stateDirectory).sorted()
        #expect(files == ["engines.json", live, "engines.json.tmp-notes"].sorted())
        #expect(try list(daemon).map(\.name) == ["p1"])
    }

    private func list(_ daemon: DaemonHarness) throws -> [EngineInfo] {
        try daemon.connect().call(ListMethod.name).decodeParameters(ListMethod.Reply.self).engines
    }
}
