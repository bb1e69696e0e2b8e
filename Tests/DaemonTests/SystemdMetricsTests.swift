import Foundation
import Testing
import UDPLabProtocol

/// The interpreter of `make venv`'s virtual environment.
private let venvPython = ChildProcess.packageRoot.appendingPathComponent(".venv/bin/python").path

/// `io.systemd.Metrics` on the metrics socket, driven by the PyPI varlink client
/// (`Tests/Varlink/metrics_client.py`): every family of the catalogue described and listed,
/// `NoSuchMetric` for an unknown one, `ExpectedMore` without `more`.
@Suite(
    "io.systemd.Metrics",
    .enabled(if: FileManager.default.fileExists(atPath: venvPython), "run `make venv` first")
)
final class SystemdMetricsTests {
    @Test("The PyPI varlink client lists and describes every metric; NoSuchMetric for an unknown one")
    func pythonClient() throws {
        let daemon = try DaemonHarness()
        let socket = daemon.directory + "/report/io.udplab"
        try daemon.start(extraArguments: ["--metrics-socket", socket])
        let probe = try EchoProbe(port: try daemon.startEcho("e1"))
        for _ in 0..<3 { #expect(probe.echo()) }
        let script = ChildProcess.packageRoot.appendingPathComponent("Tests/Varlink/metrics_client.py").path
        let families = MetricCatalogue.all.map(\.systemdName)
        let (status, stdout, stderr) = try ChildProcess.run(venvPython, [script, socket, "e1"] + families)
        #expect(status == 0, "\(stdout)\(stderr)")
        #expect(try daemon.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: socket), "the socket file is removed at stop")
    }

    @Test("The default socket is where systemd-report looks: /run/systemd/report/io.udplab for the system")
    func reportPath() {
        #expect(SystemdMetrics.reportSocketPath(environment: [:], isRoot: true) == "/run/systemd/report/io.udplab")
        #expect(
            SystemdMetrics.reportSocketPath(environment: ["XDG_RUNTIME_DIR": "/run/user/1000"], isRoot: false)
                == "/run/user/1000/systemd/report/io.udplab"
        )
    }
}
