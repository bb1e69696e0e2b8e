import Foundation
import Synchronization
import Testing
import UDPLabOS
import UDPLabProtocol

/// Debian's Prometheus server (`apt-get install prometheus`, which `make test`'s deps do).
private let prometheusBinary = "/usr/bin/prometheus"
private let promtoolBinary = "/usr/bin/promtool"

/// A real Prometheus scrapes a real daemon's `/metrics` (OpenMetrics, which Prometheus asks for
/// first) every second while real datagrams are echoed, and its query API must agree with what
/// was sent: the rate, the total, and the residence histogram's p99 against the daemon's own.
@Suite(
    "Prometheus scrapes udplabd",
    .serialized,
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: prometheusBinary),
        "needs Debian's prometheus package (make test installs it)"
    )
)
final class PrometheusScrapeTests {
    @Test("rate(), the total and histogram_quantile() in Prometheus match the datagrams sent")
    func prometheusAgrees() throws {
        let daemon = try DaemonHarness()
        try daemon.start(extraArguments: ["--metrics-listen", "127.0.0.1:0"])
        let echoPort = try daemon.startEcho("e1")
        let prometheus = try PrometheusProcess(scraping: try daemon.metricsPort(), directory: daemon.directory)

        // Echoes at about 200/s, one at a time, each waited for, until told to stop.
        let sent = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let started = ContinuousClock.now
        let finished = DispatchSemaphore(value: 0)
        let sender = Thread {
            defer { finished.signal() }
            guard let probe = try? EchoProbe(port: echoPort) else { return }
            // Paced, not synchronised: each echo is waited for.
            while !stop.load(ordering: .relaxed) {
                if probe.echo() { sent.add(1, ordering: .relaxed) }
                Thread.sleep(forTimeInterval: 0.005)
            }
        }
        sender.start()
        defer { stop.store(true, ordering: .relaxed) }

        // The rate over the last 5 s, against what the sender managed on average.
        var rate: Double?
        var expected = 0.0
        let rateDeadline = ContinuousClock.now + .seconds(25)
        while ContinuousClock.now < rateDeadline {
            rate = try prometheus.query(#"rate(udplab_engine_received_datagrams_total{engine="e1"}[5s])"#)
            let elapsed = Double((ContinuousClock.now - started).components.seconds)
            expected = Double(sent.load(ordering: .relaxed)) / max(elapsed, 1)
            if let rate, elapsed >= 6, rate > expected * 0.5, rate < expected * 1.5 { break }
        }
        #expect(
            rate.map { $0 > expected * 0.5 && $0 < expected * 1.5 } == true,
            "rate \(String(describing: rate)), sent \(expected)/s"
        )

        // Stopped: the total and the histogram's count are exactly what was echoed.
        stop.store(true, ordering: .relaxed)
        #expect(finished.wait(timeout: .now() + 10) == .success)
        let total = Double(sent.load(ordering: .relaxed))
        #expect(total > 0)
        try prometheus.waitFor(#"udplab_engine_received_datagrams_total{engine="e1"}"#) { $0 == total }
        try prometheus.waitFor(#"udplab_engine_sent_datagrams_total{engine="e1"}"#) { $0 == total }
        try prometheus.waitFor(#"udplab_engine_residence_seconds_count{engine="e1"}"#) { $0 == total }

        // The p99 estimate is in the daemon's own p99's bucket (or, at an edge, a neighbour).
        let stats = try daemon.ctlJSON(["stats", "e1"], as: StatsMethod.Reply.self).engines[0]
        let bounds = [0] + ResidenceBuckets.boundsSeconds + [.infinity]
        let p99 = Double(stats.residenceNs.p99) / 1e9
        let bucket = bounds.indices.dropFirst().first { p99 <= bounds[$0] } ?? bounds.count - 1
        let low = bounds[max(bucket - 2, 0)]
        let high = bounds[min(bucket + 1, bounds.count - 1)]
        let quantile = try prometheus.waitFor(
            #"histogram_quantile(0.99, udplab_engine_residence_seconds_bucket{engine="e1"})"#
        ) { $0 >= low && $0 <= high }
        #expect(quantile >= low && quantile <= high, "p99 \(quantile) s, the daemon's \(p99) s")
        #expect(try prometheus.query(#"resets(udplab_engine_received_datagrams_total{engine="e1"}[1m])"#) == 0)

        // A restarted engine starts again from 0: Prometheus sees one reset, not a negative rate.
        // (Bound to port 0, it gets a new port.)
        let restarted = try daemon.ctlJSON(["restart", "e1"], as: RestartMethod.Reply.self)
        let probe = try EchoProbe(port: try SocketAddress(parsing: restarted.engine.address).port)
        for _ in 0..<5 { #expect(probe.echo()) }
        try prometheus.waitFor(#"udplab_engine_received_datagrams_total{engine="e1"}"#) { $0 == 5 }
        try prometheus.waitFor(#"resets(udplab_engine_received_datagrams_total{engine="e1"}[1m])"#) { $0 == 1 }
        #expect(try daemon.stop() == 0)
    }

    @Test(
        "promtool check metrics reports nothing on either exposition",
        .enabled(if: FileManager.default.isExecutableFile(atPath: promtoolBinary))
    )
    func promtoolIsSilent() throws {
        let daemon = try DaemonHarness()
        try daemon.start(extraArguments: ["--metrics-listen", "127.0.0.1:0"])
        let port = try daemon.startEcho("e1")
        _ = try daemon.startEcho("n1", extra: ["--backend", "nio"])
        _ = try daemon.startEcho("t1", extra: ["--threads", "2"])
        let consumer = try daemon.startRelayWithOneConsumer("r1")
        let probe = try EchoProbe(port: port)
        for _ in 0..<20 { #expect(probe.echo()) }
        _ = try daemon.ctl(["stats"])
        let response = try HTTPResponse.get(port: try daemon.metricsPort())
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        let (status, output) = try runPromtool(response.body)
        #expect(status == 0 && output.isEmpty, "promtool: \(output)")
        // Every family of the catalogue is there (the socket counter with the lanes' threads).
        for metric in MetricCatalogue.all {
            #expect(response.body.contains("# TYPE \(metric.name) \(metric.type.rawValue)"), "\(metric.name)")
        }
        #expect(
            response.body.contains(
                #"udplab_engine_received_datagrams_total{engine="e1",kind="echo",backend="reactor-edge"} 20"#
            )
        )
        #expect(!response.body.contains(#"udplab_engine_wakeups_total{engine="n1""#), "nio's loop counters are absent")
        #expect(response.body.contains(#"thread="1""#))
        #expect(response.body.contains(#"udplab_control_requests_total{method="io.udplab.Stats"}"#))
        let relay = #"engine="r1",kind="relay",backend="reactor-edge""#
        #expect(response.body.contains("udplab_engine_consumers{\(relay)} 1"))
        #expect(
            response.body.contains(
                #"udplab_engine_consumer_relayed_datagrams_total{"# + relay + #",consumer="\#(consumer)"} 3"#
            )
        )
        #expect(
            response.body.contains(
                #"udplab_engine_consumer_dropped_datagrams_total{"# + relay + #",consumer="\#(consumer)"} 0"#
            )
        )
        #expect(
            response.body.contains(
                #"udplab_engine_consumer_queue_high_water_datagrams{"# + relay + #",consumer="\#(consumer)"} "#
            )
        )

        let open = try HTTPResponse.get(
            port: try daemon.metricsPort(),
            accept: "application/openmetrics-text; version=1.0.0"
        )
        #expect(open.headers["content-type"] == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        #expect(open.body.hasSuffix("# EOF\n"))
        #expect(open.body.contains("# TYPE udplab_engine_received_datagrams counter\n"))
        #expect(open.body.contains("udplab_engine_received_datagrams_total{"))
        #expect(try daemon.stop() == 0)
    }

    /// `promtool check metrics` on `text`: its status and all it printed.
    private func runPromtool(_ text: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtoolBinary)
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, printed)
    }
}

/// `/usr/bin/prometheus` on a free loopback port, scraping one target every second, with its
/// storage in a temporary directory; killed when released.
final class PrometheusProcess {
    private let child: ChildProcess
    let port: UInt16

    init(scraping target: UInt16, directory: String) throws {
        port = try freeTCPPort()
        let config = directory + "/prometheus.yml"
        try """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: udplabd
            static_configs:
              - targets: ['127.0.0.1:\(target)']
        """.write(toFile: config, atomically: true, encoding: .utf8)
        child = try ChildProcess(
            executable: prometheusBinary,
            arguments: [
                "--config.file=\(config)", "--storage.tsdb.path=\(directory)/tsdb",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ]
        )
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if (try? HTTPResponse.get(port: port, path: "/-/ready"))?.status == 200 { return }
            guard child.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        child.kill()
        throw ChildFailure("prometheus did not become ready: \(child.stderr)")
    }

    deinit {
        child.kill()
        _ = try? child.waitForExit()
    }

    /// The value of an instant query's first series, or `nil` when it has none.
    func query(_ promql: String) throws -> Double? {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = promql.addingPercentEncoding(withAllowedCharacters: allowed) ?? promql
        let response = try HTTPResponse.get(port: port, path: "/api/v1/query?query=\(encoded)")
        let json = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
        let data = json?["data"] as? [String: Any]
        guard let result = (data?["result"] as? [[String: Any]])?.first,
            let value = (result["value"] as? [Any])?.last as? String
        else { return nil }
        return Double(value)
    }

    /// Polls `promql` until its value satisfies `accept` (at most 20 s), and returns it.
    @discardableResult
    func waitFor(_ promql: String, _ accept: (Double) -> Bool) throws -> Double {
        let deadline = ContinuousClock.now + .seconds(20)
        var last: Double?
        while ContinuousClock.now < deadline {
            last = try query(promql)
            if let last, accept(last) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw ChildFailure("\(promql): last value \(String(describing: last)) within 20 s")
    }
}
