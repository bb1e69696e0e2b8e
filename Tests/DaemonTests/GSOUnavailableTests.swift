import Foundation
import Testing
import UDPLabProtocol

/// Backend gso where the kernel lacks UDP GRO: `BackendUnavailable` with the reason, from
/// `udplabd run` and from a daemon, whose other engines keep running. The kernel here has UDP
/// GRO, so the test runs udplabd under `Tests/Tools/no-udp-gro.c`, a seccomp filter that answers
/// `setsockopt(SOL_UDP, UDP_GRO)` with `ENOPROTOOPT`, as a kernel before Linux 5.0 does.
@Suite("gso without UDP GRO", .serialized)
final class GSOUnavailableTests {
    let directory: String
    let launcher: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("udplab-nogro-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        launcher = directory + "/no-udp-gro"
        let source = ChildProcess.packageRoot.appendingPathComponent("Tests/Tools/no-udp-gro.c").path
        let (status, stdout, stderr) = try ChildProcess.run("/usr/bin/gcc", ["-O2", "-Wall", "-o", launcher, source])
        guard status == 0 else { throw ChildFailure("gcc no-udp-gro.c exited \(status): \(stdout)\(stderr)") }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    static let reason = "backend gso is not available here: the kernel lacks UDP GRO (Linux 5.0) or UDP GSO (4.18)"

    @Test("udplabd run echo --backend gso exits 69 saying the kernel lacks UDP GRO")
    func runRefuses() throws {
        let (status, _, stderr) = try ChildProcess.run(
            launcher,
            [ChildProcess.productPath("udplabd"), "run", "echo", "--backend", "gso", "--bind", "127.0.0.1:0"]
        )
        #expect(status == 69)
        #expect(stderr.contains(Self.reason), "\(stderr)")
        #expect(stderr.contains("setsockopt(UDP_GRO)"), "\(stderr)")
    }

    @Test("A daemon: backends says gso is not available, Start gets BackendUnavailable, a poll engine echoes on")
    func daemonRefusesAndKeepsServing() throws {
        let daemon = try DaemonHarness()
        try daemon.start(launcher: [launcher])
        let started = try daemon.ctlJSON(
            ["start", "echo", "--name", "p", "--backend", "poll", "--bind", "127.0.0.1:0", "--transient"],
            as: StartMethod.Reply.self
        )
        let backends = try daemon.ctlJSON(["backends"], as: BackendsMethod.Reply.self).backends
        let gso = try #require(backends.first { $0.name == "gso" })
        #expect(!gso.available)

        let (status, _, stderr) = try daemon.ctl([
            "start", "echo", "--name", "g", "--backend", "gso", "--bind", "127.0.0.1:0", "--transient",
        ])
        #expect(status == 70)
        #expect(stderr.contains(Self.reason), "\(stderr)")

        // The poll engine still echoes.
        let (echoStatus, echoOut, _) = try daemon.ctl([
            "bench", started.engine.address, "--duration", "200ms", "--warmup", "0", "--json",
        ])
        #expect(echoStatus == 0)
        #expect(echoOut.contains("\"lost\":0"), "\(echoOut)")
        #expect(!echoOut.contains("\"received\":0,"), "\(echoOut)")
    }
}
