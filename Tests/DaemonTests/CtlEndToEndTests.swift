import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

/// `udplabctl` against a real daemon on a temporary socket and state directory, as a user types it.
@Suite("udplabctl against udplabd", .serialized)
final class CtlEndToEndTests {
    let daemon: DaemonHarness

    init() throws {
        daemon = try DaemonHarness()
        try daemon.start()
    }

    @Test(
        "start, echo, stats --json, stop on every readiness backend; the port is free again",
        arguments: Backend.allCases
    )
    func engineRoundTrip(backend: Backend) throws {
        let name = "e-\(backend.rawValue)"
        let started = try daemon.ctlJSON(
            ["start", "echo", "--name", name, "--backend", backend.rawValue, "--bind", "127.0.0.1:0"],
            as: StartMethod.Reply.self
        )
        #expect(started.engine.state == "running" && started.engine.backend == backend.rawValue)
        let address = try SocketAddress(parsing: started.engine.address)

        let client = try UDPSocket(binding: .init(loopbackPort: 0))
        var buffer = [UInt8](repeating: 0, count: 64)
        for index in 0..<20 {
            let payload = Array("datagram \(index)".utf8)
            _ = try payload.withUnsafeBytes { try client.send($0, to: address) }
            let deadline = ContinuousClock.now + .seconds(5)
            var echoed: [UInt8]?
            while echoed == nil, ContinuousClock.now < deadline {
                if case .processed(let datagram) = try buffer.withUnsafeMutableBytes({ try client.receive(into: $0) }) {
                    echoed = Array(buffer[..<datagram.byteCount])
                }
            }
            #expect(echoed == payload)
        }

        let stats = try daemon.ctlJSON(["stats", name], as: StatsMethod.Reply.self)
        let counters = try #require(stats.engines.first?.counters)
        #expect(counters.rxDatagrams == 20 && counters.txDatagrams == 20)
        #expect(counters.rxBytes == counters.txBytes)

        let (status, stdout, _) = try daemon.ctl(["stop", name])
        #expect(status == 0 && stdout.contains("stopped \(name)"))
        _ = try UDPSocket(binding: address)
    }

    @Test("list, status, backends, reload, log-level, restart")
    func otherCommands() throws {
        _ = try daemon.ctlJSON(
            ["start", "echo", "--name", "r1", "--backend", "poll", "--bind", "127.0.0.1:0", "--queue", "16"],
            as: StartMethod.Reply.self
        )

        let list = try daemon.ctlJSON(["list"], as: ListMethod.Reply.self)
        #expect(list.engines.map(\.name) == ["r1"])
        let (_, table, _) = try daemon.ctl(["list"])
        #expect(table.contains("r1") && table.contains("poll") && table.contains("running"))

        let status = try daemon.ctlJSON(["status"], as: StatusMethod.Reply.self)
        #expect(status.socket == daemon.socketPath && status.engines == 1)

        let backends = try daemon.ctlJSON(["backends"], as: BackendsMethod.Reply.self)
        #expect(backends.backends.map(\.name) == Backend.allCases.map(\.rawValue))

        #expect(try daemon.ctlJSON(["reload"], as: ReloadMethod.Reply.self).unchanged.isEmpty)
        #expect(try daemon.ctl(["log-level", "debug"]).status == 0)
        #expect(try daemon.ctlJSON(["status"], as: StatusMethod.Reply.self).logLevel == "debug")

        let before = try #require(list.engines.first)
        #expect(try daemon.ctl(["restart", "r1"]).status == 0)
        let after = try #require(try daemon.ctlJSON(["list"], as: ListMethod.Reply.self).engines.first)
        #expect(after.name == "r1" && after.queue == 16 && after.backend == "poll")
        #expect(after.startedUsec > before.startedUsec)
    }

    @Test(
        "Each error class has its own exit code and one line on stderr",
        arguments: [
            (["stop", "ghost"], Int32(66), "no engine named 'ghost'"),
            (["start", "echo", "--backend", "nope"], 65, "unknown backend 'nope'"),
            (["stats", "ghost"], 66, "no engine named 'ghost'"),
        ]
    )
    func errorExitCodes(arguments: [String], code: Int32, message: String) throws {
        let (status, _, stderr) = try daemon.ctl(arguments)
        #expect(status == code)
        #expect(stderr == "udplabctl: \(message)\n" || stderr.hasPrefix("udplabctl: \(message)"), "\(stderr)")
    }

    @Test("An engine name already taken is EngineExists (67); a busy address AddressInUse (68)")
    func conflicts() throws {
        _ = try daemon.ctlJSON(["start", "echo", "--name", "dup", "--bind", "127.0.0.1:0"], as: StartMethod.Reply.self)
        #expect(try daemon.ctl(["start", "echo", "--name", "dup", "--bind", "127.0.0.1:0"]).status == 67)
        let holder = try UDPSocket(binding: .init(loopbackPort: 0))
        let (status, _, stderr) = try daemon.ctl([
            "start", "echo", "--name", "busy", "--bind", holder.localAddress.description,
        ])
        #expect(status == 68)
        #expect(stderr.contains("address \(holder.localAddress) is already in use"))
    }

    @Test("A daemon that is not there: exit 69 and a clear line")
    func unreachable() throws {
        let (status, _, stderr) = try ChildProcess.run(
            ChildProcess.productPath("udplabctl"),
            ["--socket", daemon.directory + "/none.sock", "status"]
        )
        #expect(status == 69)
        #expect(stderr.contains("cannot reach udplabd"))
    }

    @Test("An unprivileged uid gets PermissionDenied for changes and real answers for reads")
    func authorization() throws {
        _ = try daemon.ctlJSON(
            ["start", "echo", "--name", "guarded", "--bind", "127.0.0.1:0"],
            as: StartMethod.Reply.self
        )
        for command in [
            ["start", "echo", "--name", "x", "--bind", "127.0.0.1:0"], ["stop", "guarded"], ["reload"],
            ["log-level", "debug"],
        ] {
            let (status, _, stderr) = try daemon.ctl(command, asNobody: true)
            #expect(status == 77, "\(command): \(stderr)")
            #expect(stderr.contains("permission denied"), "\(stderr)")
        }
        for command in [["list"], ["stats", "guarded"], ["status"], ["backends"]] {
            let (status, stdout, stderr) = try daemon.ctl(command, asNobody: true)
            #expect(status == 0, "\(command): \(stderr)")
            #expect(!stdout.isEmpty)
        }
        #expect(try daemon.ctlJSON(["list"], as: ListMethod.Reply.self).engines.contains { $0.name == "guarded" })
        #expect(daemon.child?.stderr.contains("control request denied") == true)
    }
}
