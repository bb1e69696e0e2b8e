import Foundation
import Synchronization
import Testing
import UDPLabMetrics
import UDPLabOS
import UDPLabProtocol

/// The metrics endpoint against clients that break HTTP: oversized headers, a client that never
/// finishes its request, 100 scrapes at once; an engine keeps echoing meanwhile and the daemon
/// stays up. And where it may listen.
@Suite("Metrics endpoint", .serialized)
final class MetricsEndpointTests {
    @Test(
        "Oversized headers get 400 and a close, the connection of a client that never finishes is closed, 100 concurrent scrapes all succeed; the engine echoes throughout"
    )
    func survivesBadHTTP() throws {
        let daemon = try DaemonHarness()
        try daemon.start(extraArguments: ["--metrics-listen", "127.0.0.1:0"])
        let port = try daemon.metricsPort()
        let probe = try EchoProbe(port: try daemon.startEcho("e1"))
        #expect(probe.echo())

        // Headers past NIOHTTP1's 80 KiB: 400, then the daemon closes the connection.
        let oversized = try TCPConnection(port: port)
        let filler = String(repeating: "x", count: 1000)
        var request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for index in 0..<200 { request += "X-Filler-\(index): \(filler)\r\n" }
        try? oversized.write(Array((request + "\r\n").utf8))
        let (reply, closed) = oversized.read(timeout: .seconds(10))
        #expect(closed, "closed after the oversized head")
        #expect(String(decoding: reply, as: UTF8.self).hasPrefix("HTTP/1.1 400"), "\(reply.count) bytes")
        #expect(probe.echo())

        // A client that sends half a request and then nothing holds only its own connection.
        let slow = try TCPConnection(port: port)
        try slow.write(Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8))
        #expect(try HTTPResponse.get(port: port).status == 200, "others are served meanwhile")
        #expect(probe.echo())

        // 100 scrapes at once, each on its own connection.
        let successes = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 100) { _ in
            if let response = try? HTTPResponse.get(port: port), response.status == 200,
                response.body.contains("udplab_build_info{")
            {
                successes.add(1, ordering: .relaxed)
            }
        }
        #expect(successes.load(ordering: .relaxed) == 100)
        #expect(probe.echo())

        // The slow client is closed once its request is overdue (MetricsHTTPServer.requestTimeout).
        let (_, slowClosed) = slow.read(timeout: .seconds(20))
        #expect(slowClosed, "the unfinished request's connection is closed")
        #expect(probe.echo())
        let stats = try daemon.ctlJSON(["stats", "e1"], as: StatsMethod.Reply.self).engines[0]
        #expect(stats.state == "running" && stats.counters.txDatagrams == stats.counters.rxDatagrams)
        #expect(daemon.child?.isRunning == true)
        #expect(try daemon.stop() == 0)
    }

    @Test("Only GET /metrics: another path is 404, another method 405, keep-alive serves a second request")
    func pathsAndMethods() throws {
        let daemon = try DaemonHarness()
        try daemon.start(extraArguments: ["--metrics-listen", "127.0.0.1:0"])
        let port = try daemon.metricsPort()
        #expect(try HTTPResponse.get(port: port, path: "/").status == 404)
        let post = try TCPConnection(port: port)
        try post.write(
            Array("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi".utf8)
        )
        #expect(try HTTPResponse(post.read(timeout: .seconds(10)).bytes).status == 405)
        let keepAlive = try TCPConnection(port: port)
        for _ in 0..<2 {
            try keepAlive.write(Array("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            let (bytes, _) = keepAlive.read(timeout: .seconds(10)) {
                String(decoding: $0, as: UTF8.self).contains("process_open_fds ") && $0.last == UInt8(ascii: "\n")
            }
            #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        }
        #expect(try daemon.stop() == 0)
    }

    @Test(
        "A non-loopback --metrics-listen is refused (exit 64), as is metrics_listen in a config (78); metrics_allow_remote allows it"
    )
    func loopbackOnly() throws {
        let daemon = try DaemonHarness()
        let flag = try ChildProcess.runUdplabd([
            "--config", daemon.configPath, "--socket", daemon.socketPath, "--state-dir", daemon.stateDirectory,
            "--metrics-listen", "0.0.0.0:0",
        ])
        #expect(flag.status == 64, "\(flag.stderr)")
        #expect(flag.stderr.contains("not a loopback address"), "\(flag.stderr)")

        try daemon.writeConfig("[daemon]\nmetrics_listen = \"0.0.0.0:0\"\n")
        let check = try ChildProcess.runUdplabd(["check-config", "--config", daemon.configPath])
        #expect(check.status != 0)
        #expect(
            check.stdout.contains(":2: metrics_listen 0.0.0.0:0 is not a loopback address")
                || check.stderr.contains(":2: metrics_listen 0.0.0.0:0 is not a loopback address"),
            "\(check)"
        )

        try daemon.writeConfig(
            "[daemon]\nmetrics_listen = \"0.0.0.0:0\"\nmetrics_allow_remote = true\nstats_interval = \"1h\"\n"
        )
        try daemon.start()
        #expect(try HTTPResponse.get(port: try daemon.metricsPort()).status == 200)
        #expect(try daemon.stop() == 0)
    }

    @Test(
        "A non-admin's Start is counted as a request and a denial, by method",
        .enabled(if: Accounts.currentUID == 0, "needs root to call as nobody")
    )
    func denialsCounted() throws {
        let daemon = try DaemonHarness()
        try daemon.start(extraArguments: ["--metrics-listen", "127.0.0.1:0"])
        let refused = try daemon.ctl(["start", "echo", "--name", "x", "--bind", "127.0.0.1:0"], asNobody: true)
        #expect(refused.status != 0)
        _ = try daemon.ctl(["list"], asNobody: true)
        let body = try HTTPResponse.get(port: try daemon.metricsPort()).body
        #expect(body.contains(#"udplab_control_denied_requests_total{method="io.udplab.Start"} 1"#), "\(body)")
        #expect(body.contains(#"udplab_control_requests_total{method="io.udplab.Start"} 1"#))
        #expect(body.contains(#"udplab_control_denied_requests_total{method="io.udplab.List"} 0"#))
        #expect(try daemon.stop() == 0)
    }

    @Test("Counters never go backwards while an engine lives; a restarted engine starts from its new values")
    func countersAcrossRestart() throws {
        let exposition = PrometheusExposition()
        func snapshot(received: UInt64, started: UInt64, residence: [UInt64]) -> MetricsSnapshot {
            var counters = CounterSnapshot(
                rxDatagrams: received,
                rxBytes: 0,
                txDatagrams: 0,
                txBytes: 0,
                dropped: 0,
                truncated: 0,
                recvWouldBlock: 0,
                sendWouldBlock: 0,
                errors: 0,
                wakeups: 0,
                emptyWakeups: 0,
                events: 0,
                interestChanges: 0,
                syscalls: 0,
                wakerWrites: 0,
                queueHighWater: 0,
                taskPolls: 0,
                futurePolls: 0,
                timerEvents: 0
            )
            counters.absent = []
            let stats = EngineStats(
                name: "e1",
                kind: "echo",
                backend: "epoll-edge",
                strategy: nil,
                state: "running",
                address: "127.0.0.1:1",
                startedUsec: started,
                counters: counters,
                residenceNs: .empty,
                sockets: []
            )
            var buckets = ResidenceBuckets.empty
            for (index, count) in residence.enumerated() {
                buckets.counts[index] = count
                buckets.sums[index] = Double(count) * ResidenceBuckets.boundsSeconds[index] * 0.9
            }
            return MetricsSnapshot(
                engines: [EngineMetrics(stats: stats, residence: buckets)],
                control: [],
                process: nil,
                startTimeSeconds: 1
            )
        }
        func line(_ text: [UInt8], _ prefix: String) -> String? {
            String(decoding: text, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init)
        }
        let received = #"udplab_engine_received_datagrams_total{engine="e1",kind="echo",backend="epoll-edge"} "#
        let count = #"udplab_engine_residence_seconds_count{engine="e1",kind="echo",backend="epoll-edge"} "#
        let first = exposition.render(snapshot(received: 10, started: 5, residence: [3, 7]), as: .text)
        #expect(line(first, received) == received + "10")
        #expect(line(first, count) == count + "10")
        let second = exposition.render(snapshot(received: 25, started: 5, residence: [3, 22]), as: .text)
        #expect(line(second, received) == received + "25")
        #expect(line(second, count) == count + "25")
        #expect(
            line(
                second,
                #"udplab_engine_residence_seconds_bucket{engine="e1",kind="echo",backend="epoll-edge",le="1e-06"} "#
            )?.hasSuffix(" 3") == true
        )
        // Restarted (a new start time): the series start again from the new engine's counts.
        let restarted = exposition.render(snapshot(received: 4, started: 9, residence: [4]), as: .text)
        #expect(line(restarted, received) == received + "4")
        #expect(line(restarted, count) == count + "4")
        // Gone: its series are gone.
        let gone = exposition.render(
            MetricsSnapshot(engines: [], control: [], process: nil, startTimeSeconds: 1),
            as: .text
        )
        #expect(line(gone, "udplab_engine_received_datagrams_total{") == nil)
    }

    @Test("Accept: OpenMetrics when preferred (as Prometheus asks), the text format otherwise")
    func negotiation() {
        let prometheus =
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
            + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
        #expect(ExpositionFormat.negotiated(accept: prometheus) == .openMetrics)
        #expect(ExpositionFormat.negotiated(accept: nil) == .text)
        #expect(ExpositionFormat.negotiated(accept: "*/*") == .text)
        #expect(ExpositionFormat.negotiated(accept: "text/plain, application/openmetrics-text;q=0.2") == .text)
        #expect(ExpositionFormat.negotiated(accept: "application/openmetrics-text;q=0") == .text)
    }
}
