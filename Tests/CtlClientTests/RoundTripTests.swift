import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

@testable import CtlClient

/// The client against a scripted server on a real Unix socket: the frames it sends, the replies
/// it decodes, and how each failure maps to an error.
@Suite("Client round trip")
struct RoundTripTests {
    private let timeout = DurationArgument(.seconds(5))

    @Test("A call sends one NUL-terminated frame and decodes the reply")
    func call() throws {
        let daemon = try FakeDaemon(script: [[try ReplyFrame.success(ListMethod.Reply(engines: [Fixtures.echo]))]])
        var client = try ControlClient(socketPath: daemon.path, timeout: timeout)
        let reply = try client.call(ListMethod.name, NoParameters(), as: ListMethod.Reply.self)
        #expect(reply.value.engines == [Fixtures.echo])
        #expect(JSONLine.text(of: reply.parameters).hasPrefix(#"{"engines":[{"address":"127.0.0.1:2000","#))
        daemon.waitUntilFinished()
        #expect(daemon.receivedCalls == [#"{"method":"io.udplab.List","parameters":{}}"#])
    }

    @Test("An error reply becomes the ControlError it names, with its exit status")
    func errorReply() throws {
        let daemon = try FakeDaemon(script: [[ReplyFrame.error(.engineNotFound(name: "nope"))]])
        var client = try ControlClient(socketPath: daemon.path, timeout: timeout)
        #expect(throws: ClientError.daemon(.engineNotFound(name: "nope"))) {
            _ = try client.call(StopMethod.name, StopMethod.Parameters(names: ["nope"]), as: StopMethod.Reply.self)
        }
        #expect(ExitStatus(for: ClientError.daemon(.engineNotFound(name: "nope"))) == .engineNotFound)
        daemon.waitUntilFinished()
        #expect(daemon.receivedCalls == [#"{"method":"io.udplab.Stop","parameters":{"names":["nope"]}}"#])
    }

    @Test("A stream sends more: true and hands over every reply until the last")
    func stream() throws {
        let first = StatsMethod.Reply(engines: [Fixtures.idleStats])
        let second = StatsMethod.Reply(engines: [Fixtures.busyStats])
        let daemon = try FakeDaemon(script: [
            [try ReplyFrame.success(first, continues: true), try ReplyFrame.success(second)]
        ])
        var client = try ControlClient(socketPath: daemon.path, timeout: timeout)
        var received: [StatsMethod.Reply] = []
        try client.stream(StatsMethod.name, StatsMethod.Parameters(names: ["echo"], interval: 0.5)) {
            (reply: ClientReply<StatsMethod.Reply>) in received.append(reply.value)
        }
        #expect(received == [first, second])
        daemon.waitUntilFinished()
        #expect(
            daemon.receivedCalls == [
                #"{"method":"io.udplab.Stats","more":true,"parameters":{"interval":0.5,"names":["echo"]}}"#
            ]
        )
    }

    @Test("A reply that is not JSON, or not the expected shape, is a protocol error (76)")
    func badReplies() throws {
        for (frame, reason) in [
            (ReplyFrame.raw("not json"), "the reply is not a JSON object"),
            (
                ReplyFrame.raw(#"{"parameters":{"engines":[{"name":"x"}]}}"#),
                "unexpected reply to io.udplab.List: missing field 'engines.0.kind'"
            ),
        ] {
            let daemon = try FakeDaemon(script: [[frame]])
            var client = try ControlClient(socketPath: daemon.path, timeout: timeout)
            #expect(throws: ClientError.daemon(.protocolError(reason: reason))) {
                _ = try client.call(ListMethod.name, NoParameters(), as: ListMethod.Reply.self)
            }
            #expect(ExitStatus(for: ClientError.daemon(.protocolError(reason: reason))) == .protocolFailure)
        }
    }

    @Test("A daemon that never replies times out")
    func timesOut() throws {
        let daemon = try FakeDaemon(script: [[]])
        let short = DurationArgument(.milliseconds(200))
        var client = try ControlClient(socketPath: daemon.path, timeout: short)
        let started = ContinuousClock.now
        #expect(throws: ClientError.timedOut(socket: daemon.path, after: short)) {
            _ = try client.call(StatusMethod.name, NoParameters(), as: StatusMethod.Reply.self)
        }
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test("A daemon that hangs up before replying is reported as such")
    func hangsUp() throws {
        let daemon = try FakeDaemon(script: [])
        var client = try ControlClient(socketPath: daemon.path, timeout: timeout)
        daemon.waitUntilFinished()
        // Closed before or after the call was written: EPIPE on the write, or end of file on the read.
        #expect {
            _ = try client.call(StatusMethod.name, NoParameters(), as: StatusMethod.Reply.self)
        } throws: { error in
            guard let error = error as? ClientError, case .disconnected(let socket, _) = error else { return false }
            return socket == daemon.path && ExitStatus(for: error) == .unreachable
        }
    }

    @Test("No socket, or a stale one, is unreachable (69)")
    func unreachable() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("udplabctl-none-\(UUID()).sock")
            .path
        do {
            _ = try ControlClient(socketPath: missing, timeout: timeout)
            Issue.record("connected to \(missing)")
        } catch {
            #expect(error.description == "cannot reach udplabd at \(missing): no such socket (is udplabd running?)")
            #expect(ExitStatus(for: error) == .unreachable)
        }

        let stale = FileManager.default.temporaryDirectory.appendingPathComponent("udplabctl-stale-\(UUID()).sock").path
        defer { try? FileManager.default.removeItem(atPath: stale) }
        _ = try UnixStreamSocket.listen(path: stale, mode: 0o600)
        do {
            _ = try ControlClient(socketPath: stale, timeout: timeout)
            Issue.record("connected to the stale \(stale)")
        } catch {
            #expect(error.description == "cannot reach udplabd at \(stale): connection refused (is udplabd running?)")
            #expect(ExitStatus(for: error) == .unreachable)
        }
    }

    @Test("restart is one io.udplab.Restart call")
    func restart() throws {
        let daemon = try FakeDaemon(script: [[try ReplyFrame.success(RestartMethod.Reply(engine: Fixtures.echo))]])
        var command = try UdplabCtl.parseAsRoot(["restart", "echo", "--socket", daemon.path, "--json"])
        try command.run()
        daemon.waitUntilFinished()
        #expect(daemon.receivedCalls == [#"{"method":"io.udplab.Restart","parameters":{"name":"echo"}}"#])
    }

    @Test("restart of an unknown engine fails with EngineNotFound")
    func restartUnknown() throws {
        let daemon = try FakeDaemon(script: [[ReplyFrame.error(.engineNotFound(name: "ghost"))]])
        var command = try UdplabCtl.parseAsRoot(["restart", "ghost", "--socket", daemon.path])
        #expect(throws: ClientError.daemon(.engineNotFound(name: "ghost"))) { try command.run() }
        daemon.waitUntilFinished()
        #expect(daemon.receivedCalls.count == 1)
    }
}
