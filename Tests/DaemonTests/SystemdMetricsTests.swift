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
        // A relay with a consumer, so that the per-consumer families have series too.
        _ = try daemon.startRelayWithOneConsumer("r1")
        let script = ChildProcess.packageRoot.appendingPathComponent("Tests/Varlink/metrics_client.py").path
        let families = MetricCatalogue.all.map(\.systemdName)
        let (status, stdout, stderr) = try ChildProcess.run(
            venvPython,
            [script, socket, "e1:echo,r1:relay"] + families
        )
        #expect(status == 0, "\(stdout)\(stderr)")
        #expect(try daemon.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: socket), "the socket file is removed at stop")
    }

    @Test("udplab's own varlink framing: List streams every series with continues, then ends; errors are typed")
    func rawClient() throws {
        let daemon = try DaemonHarness()
        let socket = daemon.directory + "/metrics.sock"
        try daemon.start(extraArguments: ["--metrics-socket", socket])
        _ = try daemon.startEcho("e1")
        let client = try RawVarlinkClient(path: socket)
        var replies = [try client.call(SystemdMetrics.list, more: true)]
        while replies.last?.continues == true { replies.append(try client.readReply()) }
        #expect(replies.allSatisfy { $0.error == nil })
        let names = Set(replies.compactMap { $0.object["name"] as? String })
        #expect(names.contains("io.udplab.Engine.receivedDatagrams") && names.contains("io.udplab.Process.openFds"))
        let buckets = replies.filter { ($0.object["name"] as? String) == "io.udplab.Engine.residenceSeconds" }
        #expect(buckets.count == ResidenceBuckets.boundsNanoseconds.count + 1, "one per bucket and +Inf")
        #expect(try client.call(SystemdMetrics.list).error == SystemdMetrics.expectedMore)
        #expect(
            try client.call(SystemdMetrics.describe, #"{"name":"x.y"}"#, more: true).error
                == SystemdMetrics.noSuchMetric
        )
        #expect(
            try client.call(SystemdMetrics.list, #"{"bogus":1}"#, more: true).error
                == "org.varlink.service.InvalidParameter"
        )
        #expect(try client.call("io.udplab.Start", more: false).error == "org.varlink.service.InterfaceNotFound")
        #expect(try daemon.stop() == 0)
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
