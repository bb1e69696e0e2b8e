import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

/// The daemon under the descriptor limit its unit ships (`LimitNOFILE=` in
/// packaging/udplabd.service), started through `prlimit` so the limit is the unit's whatever the
/// test runner's is: the documented 4096 engine sockets fit, and a descriptor select(2) cannot
/// watch is a typed error for that one engine.
@Suite("Descriptor limits", .serialized)
final class DescriptorLimitTests {
    let harness: DaemonHarness
    let daemon: ChildProcess
    let client: RawVarlinkClient

    init() throws {
        harness = try DaemonHarness()
        daemon = try ChildProcess(
            executable: "/usr/bin/prlimit",
            arguments: [
                "--nofile=\(try Self.unitDescriptorLimit())", "--", ChildProcess.productPath("udplabd"),
                "--config", harness.configPath, "--socket", harness.socketPath, "--state-dir",
                harness.stateDirectory,
            ]
        )
        try daemon.waitForStderrLine { $0.contains("daemon ready") }
        client = try harness.connect()
    }

    deinit {
        daemon.terminate()
        _ = try? daemon.waitForExit()
    }

    /// `LimitNOFILE=` of the shipped unit.
    static func unitDescriptorLimit() throws -> Int {
        let unit = try String(contentsOfFile: ChildProcess.packagingPath("udplabd.service"), encoding: .utf8)
        let line = unit.split(separator: "\n").first { $0.hasPrefix("LimitNOFILE=") }
        guard let line, let limit = Int(line.dropFirst("LimitNOFILE=".count)) else {
            throw ChildFailure("packaging/udplabd.service sets no numeric LimitNOFILE=")
        }
        return limit
    }

    /// Starts a transient engine and returns the reply.
    private func start(_ parameters: String) throws -> VarlinkReply {
        try client.call("io.udplab.Start", parameters)
    }

    @Test("Four 1024-socket multisocket engines (the documented 4096 sockets) start under the unit's LimitNOFILE")
    func documentedSocketsFit() throws {
        #expect(try Self.unitDescriptorLimit() >= 8192)
        for index in 0..<4 {
            let reply = try start(
                #"{"name":"many\#(index)","kind":"multisocket","count":1024,"bind":"127.0.0.1:0","transient":true}"#
            )
            #expect(reply.error == nil, "engine \(index): \(reply.error ?? "") \(reply.object)")
        }
        let list = try client.call("io.udplab.List")
        let engines = list.object["engines"] as? [[String: Any]] ?? []
        #expect(engines.count == 4)
        #expect(engines.allSatisfy { $0["state"] as? String == "running" })
    }

    @Test("A select engine whose descriptors pass 1024 gets BackendUnavailable; the daemon and the other engines go on")
    func selectPastItsLimit() throws {
        let echo = try start(#"{"name":"keeps","kind":"echo","backend":"poll","bind":"127.0.0.1:0","transient":true}"#)
        #expect(echo.error == nil)
        let address = try SocketAddress(
            parsing: try #require((echo.object["engine"] as? [String: Any])?["address"] as? String)
        )
        let many = try start(
            #"{"name":"many","kind":"multisocket","count":1024,"bind":"127.0.0.1:0","transient":true}"#
        )
        #expect(many.error == nil)

        let select = try start(
            #"{"name":"sel","kind":"echo","backend":"select","bind":"127.0.0.1:0","transient":true}"#
        )
        #expect(select.error == "io.udplab.BackendUnavailable")
        #expect(select.object["backend"] as? String == "select")
        let reason = select.object["reason"] as? String ?? ""
        #expect(reason.contains("FD_SETSIZE is 1024") && reason.contains("use poll or epoll"), "\(reason)")

        #expect(daemon.isRunning)
        let peer = try UDPSocket(binding: .init(loopbackPort: 0))
        let payload = Array("still echoing".utf8)
        _ = try payload.withUnsafeBytes { try peer.send($0, to: address) }
        var buffer = [UInt8](repeating: 0, count: 64)
        var echoed: [UInt8]?
        let deadline = ContinuousClock.now + .seconds(5)
        while echoed == nil, ContinuousClock.now < deadline {
            if case .processed(let datagram) = try buffer.withUnsafeMutableBytes({ try peer.receive(into: $0) }) {
                echoed = Array(buffer[..<datagram.byteCount])
            }
        }
        #expect(echoed == payload)
        let list = try client.call("io.udplab.List")
        let names = (list.object["engines"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(Set(names) == ["keeps", "many"], "the failed select engine is not kept")
    }

    @Test("Started with a soft descriptor limit of 1024, the daemon raises its own to the hard limit")
    func raisesItsSoftLimit() throws {
        let low = try ChildProcess(
            executable: "/usr/bin/prlimit",
            arguments: [
                "--nofile=1024:\(try Self.unitDescriptorLimit())", "--", ChildProcess.productPath("udplabd"),
                "--config", harness.configPath, "--socket", harness.socketPath + ".low", "--state-dir",
                harness.stateDirectory + "-low",
            ]
        )
        defer {
            low.terminate()
            _ = try? low.waitForExit()
        }
        try low.waitForStderrLine { $0.contains("daemon ready") }
        let limits = try String(contentsOfFile: "/proc/\(low.pid)/limits", encoding: .utf8)
        let line = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") } ?? ""
        let values = line.split(separator: " ").compactMap { Int($0) }
        #expect(values == [try Self.unitDescriptorLimit(), try Self.unitDescriptorLimit()], "\(line)")
    }
}
