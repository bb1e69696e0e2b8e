import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

/// A gso engine in a real daemon whose UDP_SEGMENT sends the kernel refuses: it echoes every
/// datagram all the same, counts the fallback, and the journal (here: the console log) says so
/// once, as the issue asks ("says so in stats and the journal").
///
/// The refusal is the kernel's own: the test takes a duplicate of the engine's socket out of the
/// daemon with `pidfd_getfd(2)` (root, or the daemon's ptrace permission) and sets `SO_NO_CHECK`
/// on it, after which the kernel answers a `UDP_SEGMENT` send with `EINVAL`.
@Suite("gso fallback in the journal", .serialized)
final class GSOFallbackJournalTests {
    @Test("A refused UDP_SEGMENT send: every datagram echoed, gso_fallbacks > 0, one 'gso refused' entry")
    func refusalIsLoggedOnce() throws {
        guard getuid() == 0 else {
            print("SKIPPED: GSOFallbackJournalTests needs root for pidfd_getfd(2) on the daemon (CI runs as root)")
            return
        }
        let daemon = try DaemonHarness()
        let child = try daemon.start()
        let started = try daemon.ctlJSON(
            ["start", "echo", "--name", "g", "--backend", "gso", "--bind", "127.0.0.1:0", "--transient"],
            as: StartMethod.Reply.self
        )
        let address = try SocketAddress(parsing: started.engine.address)
        try Self.setNoCheck(daemonPID: child.pid, port: address.port)

        // Trains of 8: each reaches the engine as one GRO buffer, whose UDP_SEGMENT echo is refused.
        let client = try UDPSocket(binding: .init(loopbackPort: 0))
        let segment = 100
        for train in 0..<4 {
            var bytes: [UInt8] = []
            for index in 0..<8 { bytes += [UInt8](repeating: UInt8(train * 8 + index), count: segment) }
            let sent = try bytes.withUnsafeBytes { try client.send($0, segmentSize: segment, to: address) }
            guard case .processed(let count) = sent, count == bytes.count else {
                Issue.record("the GSO send did not go whole: \(sent)")
                return
            }
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        let deadline = ContinuousClock.now + .seconds(10)
        while received.count < 32, ContinuousClock.now < deadline {
            if case .processed(let datagram) = try buffer.withUnsafeMutableBytes({ try client.receive(into: $0) }) {
                #expect(datagram.byteCount == segment)
                received.append(buffer[0])
            }
        }
        #expect(received == (0..<32).map { UInt8($0) }, "every datagram echoed, in order")

        let counters = try daemon.ctlJSON(["stats", "g"], as: StatsMethod.Reply.self).engines[0].counters
        #expect(counters.txDatagrams == 32)
        #expect(counters.gsoFallbacks > 0)

        // The status tick (every 5 s) logs the first fallback.
        try child.waitForStderrLine(timeout: .seconds(15)) { $0.contains("gso refused") }
        let entries = child.stderr.split(separator: "\n").filter { $0.contains("gso refused") }
        #expect(entries.count == 1, "\(entries)")
        #expect(entries.first?.contains("engine=g") == true, "\(entries)")
        _ = try daemon.stop()
    }

    /// Sets `SO_NO_CHECK` on the daemon's UDP socket bound to `port`, through a duplicate taken
    /// with `pidfd_getfd(2)` (one open file: the option lands on the engine's socket).
    static func setNoCheck(daemonPID: Int32, port: UInt16) throws {
        let script = """
            import ctypes, os, socket, sys
            pid, port = int(sys.argv[1]), int(sys.argv[2])
            inode = None
            for line in open(f"/proc/{pid}/net/udp").readlines()[1:]:
                fields = line.split()
                if int(fields[1].split(":")[1], 16) == port:
                    inode = fields[9]
            assert inode, "no socket on the port"
            fd = next(int(n) for n in os.listdir(f"/proc/{pid}/fd")
                      if os.readlink(f"/proc/{pid}/fd/{n}") == f"socket:[{inode}]")
            libc = ctypes.CDLL(None, use_errno=True)
            pidfd = os.pidfd_open(pid)
            mine = libc.syscall(438, pidfd, fd, 0)  # pidfd_getfd
            assert mine >= 0, os.strerror(ctypes.get_errno())
            socket.socket(fileno=mine).setsockopt(socket.SOL_SOCKET, 11, 1)  # SO_NO_CHECK
            """
        let (status, _, stderr) = try ChildProcess.run("/usr/bin/python3", ["-c", script, "\(daemonPID)", "\(port)"])
        guard status == 0 else { throw ChildFailure("setting SO_NO_CHECK on the engine's socket failed: \(stderr)") }
    }
}
