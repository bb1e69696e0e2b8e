import Foundation
import Testing
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol

/// The `ERRNO=` systemd gets before a fatal exit (a datagram socket stands in for `$NOTIFY_SOCKET`).
@Suite("sd_notify: ERRNO before a fatal exit")
struct FatalErrnoTests {
    /// Runs `udplabd` with `arguments` until it exits; returns its status and what it told systemd.
    private static func failingStart(_ daemon: DaemonHarness, _ arguments: [String]) throws -> (Int32, [String]) {
        let address = daemon.directory + "/notify.sock"
        let notify = try UnixDatagramSocket(binding: address)
        let child = try ChildProcess(
            executable: ChildProcess.productPath("udplabd"),
            arguments: arguments,
            environment: ["NOTIFY_SOCKET": address]
        )
        let status = try child.waitForExit()
        var lines: [String] = []
        // The daemon has exited: all it sent is queued here already.
        while let text = try notify.receive(timeout: .zero) {
            lines += text.split(separator: "\n").map(String.init)
        }
        return (status, lines)
    }

    @Test("A config that is rejected: ERRNO=22 (EINVAL), exit 78")
    func rejectedConfig() throws {
        let daemon = try DaemonHarness(config: "[daemon]\nno_such_key = 1\n")
        let (status, lines) = try Self.failingStart(
            daemon,
            ["--config", daemon.configPath, "--socket", daemon.socketPath, "--state-dir", daemon.stateDirectory]
        )
        #expect(status == 78)
        #expect(lines.contains { $0.hasPrefix("STATUS=config rejected") }, "\(lines)")
        #expect(lines.contains("ERRNO=22"), "\(lines)")
    }

    @Test("A state file a newer udplabd wrote: ERRNO=22 (EINVAL), exit 65")
    func newerStateFile() throws {
        let daemon = try DaemonHarness()
        try FileManager.default.createDirectory(atPath: daemon.stateDirectory, withIntermediateDirectories: true)
        try #"{"version":2,"engines":[]}"#.write(toFile: daemon.stateFile, atomically: true, encoding: .utf8)
        let (status, lines) = try Self.failingStart(
            daemon,
            ["--config", daemon.configPath, "--socket", daemon.socketPath, "--state-dir", daemon.stateDirectory]
        )
        #expect(status == 65)
        #expect(lines.contains("ERRNO=22"), "\(lines)")
    }

    @Test("A control socket another daemon holds: ERRNO=98 (EADDRINUSE), exit 73")
    func controlSocketTaken() throws {
        let first = try DaemonHarness()
        try first.start()
        let second = try DaemonHarness()
        let (status, lines) = try Self.failingStart(
            second,
            ["--config", second.configPath, "--socket", first.socketPath, "--state-dir", second.stateDirectory]
        )
        #expect(status == 73)
        #expect(lines.contains("ERRNO=98"), "\(lines)")
    }
}
