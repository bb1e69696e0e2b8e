import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

/// Restore obeys the limits Start obeys (256 engines, 4096 engine sockets); what does not fit is
/// logged by name and stays in the state file.
@Suite("Restore limits", .serialized)
struct RestoreLimitTests {
    @Test("A state file of 300 engines restores 256, logs each of the other 44 by name and keeps all 300")
    func engineLimit() throws {
        let daemon = try DaemonHarness()
        let names = (0..<300).map { "e\($0)" }
        try daemon.writeStateFile(names.map { try .named($0, EngineSpec(kind: .empty)) })
        let child = try daemon.start()

        let listed = try list(daemon)
        #expect(listed.map(\.name) == Array(names.prefix(ControlProtocol.maximumEngines)))
        #expect(listed.allSatisfy { $0.state == "running" })
        let refused = notRestored(in: child.stderr)
        #expect(refused == Array(names.dropFirst(ControlProtocol.maximumEngines)))
        #expect(child.stderr.contains("reason=limit reached: at most 256 engines"))

        // Nothing the user saved is lost: a change rewrites the file with the 44 still in it.
        let client = try daemon.connect()
        #expect(try client.call(StopMethod.name, #"{"names":["e0"]}"#).error == nil)
        #expect(try daemon.savedNames() == Array(names.dropFirst()))

        // A transient engine under an unrestored name does not replace the saved one; a
        // persistent one does.
        let transient = #"{"name":"e299","kind":"empty","transient":true}"#
        #expect(try client.call(StartMethod.name, transient).error == nil)
        #expect(try client.call(StopMethod.name, #"{"names":["e1"]}"#).error == nil)
        #expect(try daemon.savedNames() == Array(names.dropFirst(2)))
        #expect(try client.call(StopMethod.name, #"{"names":["e299"]}"#).error == nil)
        #expect(try client.call(StartMethod.name, #"{"name":"e299","kind":"empty"}"#).error == nil)
        #expect(try daemon.savedNames().filter { $0 == "e299" }.count == 1)
    }

    @Test("Five 1024-socket multisocket entries restore four (4096 sockets); the fifth is logged and kept")
    func socketLimit() throws {
        let daemon = try DaemonHarness()
        let names = ["m1", "m2", "m3", "m4", "m5"]
        let spec = EngineSpec(kind: .multisocket, bind: SocketAddress(loopbackPort: 0), count: 1024)
        try daemon.writeStateFile(names.map { try .named($0, spec) })
        let child = try daemon.start()

        let listed = try list(daemon)
        #expect(listed.map(\.name) == ["m1", "m2", "m3", "m4"])
        #expect(listed.allSatisfy { $0.state == "running" })
        #expect(notRestored(in: child.stderr) == ["m5"])
        #expect(child.stderr.contains("reason=limit reached: at most 4096 engine sockets"))
        // Start obeys the same count: not one more socket.
        let reply = try daemon.connect().call(StartMethod.name, #"{"name":"one","kind":"echo","bind":"127.0.0.1:0"}"#)
        #expect(reply.error == "io.udplab.LimitReached")

        #expect(try daemon.stop() == 0)
        #expect(try daemon.savedNames() == names)
    }

    private func list(_ daemon: DaemonHarness) throws -> [EngineInfo] {
        try daemon.connect().call(ListMethod.name).decodeParameters(ListMethod.Reply.self).engines
    }

    /// The engines of the "engine not restored" lines in the console log, in order.
    private func notRestored(in log: String) -> [String] {
        log.split(separator: "\n").filter { $0.contains(" engine not restored ") }.compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("engine=") }.map { String($0.dropFirst("engine=".count)) }
        }
    }
}
