import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

/// Unprivileged clients cannot lock administrators out: connections are capped per uid, a share
/// is kept for administrators, and a call must arrive within the idle timeout of its first byte.
///
/// Connections of other uids come from a small Python client run with `setpriv` (so these tests
/// need root, as the CI has).
@Suite("Control client limits", .serialized, .enabled(if: getuid() == 0, "needs root to connect as other uids"))
final class ClientLimitTests {
    let daemon: DaemonHarness

    init() throws {
        daemon = try DaemonHarness()
    }

    /// Idle connections stay for the default minute here: the limits, not the timeout, must keep
    /// root in.
    @Test("One uid gets at most 16 connections; root is still served")
    func perUIDLimit() throws {
        try daemon.start()
        let nobody = try PeerClients(uid: 65534, count: 20, socket: daemon.socketPath)
        let results = try nobody.results()
        #expect(results.prefix(16).allSatisfy { $0 == "ok" }, "\(results)")
        #expect(results.dropFirst(16).allSatisfy { $0 == "io.udplab.LimitReached:clients per uid" }, "\(results)")
        #expect(try daemon.connect().call(ListMethod.name).error == nil)
    }

    @Test("Unprivileged uids together cannot take the administrators' share")
    func administratorReserve() throws {
        try daemon.start()
        // Four uids of 16 each would fill all 64 slots: the fourth is refused, root is served.
        let peers = try (0..<4).map { try PeerClients(uid: 65534 - UInt32($0), count: 16, socket: daemon.socketPath) }
        let results = try peers.flatMap { try $0.results() }
        #expect(results.filter { $0 == "ok" }.count == 48, "\(results)")
        #expect(results.filter { $0 == "io.udplab.LimitReached:unprivileged clients" }.count == 16, "\(results)")
        let root = try daemon.connect()
        #expect(try root.call(ListMethod.name).error == nil)
        let started = try root.call(
            StartMethod.name,
            #"{"name":"r","kind":"echo","bind":"127.0.0.1:0","transient":true}"#
        )
        #expect(started.error == nil, "\(started.object)")
        #expect(try root.call(StopMethod.name, #"{"names":["r"]}"#).error == nil)
        _ = peers
    }

    @Test("A call trickled a byte at a time is cut off at the idle timeout after its first byte")
    func trickledCall() throws {
        try daemon.start(extraArguments: ["--control-idle-timeout", "1s"])
        let client = try daemon.connect()
        let clock = ContinuousClock()
        let begun = clock.now
        // One byte every 100 ms never finishes this call: the daemon must close within 1 s of the first.
        for byte in Array(#"{"method":"io.udplab.List","parameters":{"padding":""#.utf8)
            + [UInt8](repeating: 0x20, count: 40)
        {
            guard (try? client.write([byte])) != nil else { break }
            if try client.socket.waitReadable(timeout: .milliseconds(100)) { break }
        }
        // Closed: end of file, or a reset when the daemon closed with the last bytes unread.
        let closed: Bool
        do {
            closed = try client.readFrame(timeout: .seconds(2)) == nil
        } catch let error as SystemError where error.code == ECONNRESET {
            closed = true
        }
        #expect(closed, "the daemon closed the connection")
        let elapsed = clock.now - begun
        #expect(elapsed < .milliseconds(2500), "closed after \(elapsed)")
        #expect(elapsed > .milliseconds(900), "closed after \(elapsed)")
    }

    @Test("An idle connection is closed after the idle timeout; a busy one is not")
    func idleTimeout() throws {
        try daemon.start(extraArguments: ["--control-idle-timeout", "1s"])
        let idle = try daemon.connect()
        let busy = try daemon.connect()
        let clock = ContinuousClock()
        let begun = clock.now
        // The busy client calls every 300 ms for 2 s (two idle timeouts).
        while clock.now - begun < .seconds(2) {
            #expect(try busy.call(StatusMethod.name).error == nil)
            _ = try busy.socket.waitReadable(timeout: .milliseconds(300))
        }
        #expect(try idle.isClosedByPeer(timeout: .seconds(1)))
        #expect(try busy.call(StatusMethod.name).error == nil, "still open")
    }
}

/// `count` connections to the daemon made by another uid, held open until this is released.
///
/// Each connection calls `Status` and records the reply's error name (with the `LimitReached`
/// limit), or `ok`.
final class PeerClients {
    private let child: ChildProcess

    static let script = """
        import json, signal, socket, sys
        path, count = sys.argv[1], int(sys.argv[2])
        held, results = [], []
        for _ in range(count):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            held.append(s)
            try:
                s.sendall(b'{"method":"io.udplab.Status"}\\0')
            except OSError:
                pass
            data = b""
            try:
                while not data.endswith(b"\\0"):
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            except OSError:
                pass
            reply = json.loads(data.rstrip(b"\\0")) if data else {"error": "closed"}
            error = reply.get("error")
            limit = reply.get("parameters", {}).get("limit")
            results.append("ok" if error is None else error + (":" + limit if limit else ""))
        print(json.dumps(results), flush=True)
        signal.pause()
        """

    init(uid: UInt32, count: Int, socket: String) throws {
        child = try ChildProcess(
            executable: "/usr/bin/setpriv",
            arguments: [
                "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "/usr/bin/python3", "-c", Self.script, socket,
                String(count),
            ]
        )
    }

    deinit {
        // SIGKILL: the child inherits the test runner's blocked signals, SIGTERM among them.
        child.kill()
        _ = try? child.waitForExit()
    }

    /// Each connection's outcome, in order, once all are made.
    func results() throws -> [String] {
        let line = try child.waitForLine { $0.hasPrefix("[") }
        return try JSONDecoder().decode([String].self, from: Data(line.utf8))
    }
}
