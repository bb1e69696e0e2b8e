import Foundation
import Testing
import UDPLabCore

@testable import CtlClient

/// The human output of each command, from fixed replies (golden strings).
@Suite("Output")
struct OutputTests {
    @Test("list: one row per engine, then why failed ones failed")
    func list() {
        let expected = """
            NAME    KIND  BACKEND       ADDRESS         STATE    ORIGIN
            echo    echo  reactor-edge  127.0.0.1:2000  running  runtime
            edge-1  echo  epoll-edge    [::1]:40000     failed   config (transient)
            edge-1 failed: epoll_wait: Bad address
            """
        #expect(EngineListView.text([Fixtures.echo, Fixtures.broken]) == expected)
        #expect(EngineListView.text([]) == "no engines")
    }

    @Test("stats: one column per engine, per-datagram costs with two decimals, - before the first datagram")
    func stats() {
        let expected = """
                                         echo            idle
            kind                         echo            echo
            backend              reactor-edge          select
            state                     running         running
            address            127.0.0.1:2000  127.0.0.1:2001
            rx datagrams                 1000               0
            rx bytes                    48000               0
            tx datagrams                 1000               0
            tx bytes                    48000               0
            dropped                        10               0
            truncated                       0               0
            errors                          0               0
            wakeups/datagram             1.00               -
            syscalls/datagram            3.00               -
            events                       1003               0
            queue high water                3               0
            residence p50 µs             12.3               -
            residence p99 µs             41.0               -
            """
        #expect(StatsView.text([Fixtures.busyStats, Fixtures.idleStats]) == expected)
        #expect(StatsView.text([]) == "no engines")
    }

    @Test("stats: more engines than fit continue in a second table")
    func statsWraps() {
        let engines = (1...7).map { index in
            var stats = Fixtures.idleStats
            stats.name = "e\(index)"
            return stats
        }
        let tables = StatsView.text(engines).components(separatedBy: "\n\n")
        #expect(tables.count == 2)
        #expect(tables[0].split(separator: "\n")[0].hasSuffix("e6"))
        #expect(tables[1].split(separator: "\n")[0].hasSuffix("e7"))
    }

    @Test("status: key: value lines with uptime")
    func status() {
        let status = StatusMethod.Reply(
            version: "0.1.0",
            interfaceVersion: 1,
            pid: 4242,
            startedUsec: 1_750_000_000_000_000,
            engines: 3,
            running: 2,
            socket: "/run/udplabd.sock",
            stateDir: "/var/lib/udplabd",
            config: "",
            logLevel: "info"
        )
        let now = Date(timeIntervalSince1970: 1_750_000_000 + 2 * 3600 + 5 * 60 + 7)
        let expected = """
            version:         0.1.0 (interface 1)
            pid:             4242
            started:         2025-06-15 15:06:40 UTC (up 2h 5m)
            engines:         3 (2 running)
            socket:          /run/udplabd.sock
            state directory: /var/lib/udplabd
            config:          (none)
            log level:       info
            """
        #expect(StatusView.text(status, now: now, timeZone: TimeZone(identifier: "UTC")!) == expected)
    }

    @Test("backends: the backends, then the kinds")
    func backends() {
        let reply = BackendsMethod.Reply(
            backends: [
                .init(
                    name: "select",
                    kinds: ["echo"],
                    trigger: "level",
                    mirrors: "echo-select",
                    summary: "select(2)",
                    available: true
                ),
                .init(
                    name: "uring",
                    kinds: ["echo"],
                    trigger: "edge",
                    mirrors: "-",
                    summary: "io_uring",
                    available: false
                ),
            ],
            kinds: [.init(name: "echo", summary: "echo each datagram to its sender")]
        )
        let expected = """
            NAME    TRIGGER  MIRRORS      SUMMARY
            select  level    echo-select  select(2)
            uring   edge     -            io_uring (not available here)

            KIND  SUMMARY
            echo  echo each datagram to its sender
            """
        #expect(BackendsView.text(reply) == expected)
    }

    @Test("start, stop and reload confirm in one line")
    func changes() {
        #expect(ChangeSummary.started(Fixtures.echo) == "started echo (echo, reactor-edge) on 127.0.0.1:2000")
        #expect(ChangeSummary.started(Fixtures.broken) == "started edge-1 (echo, epoll-edge, transient) on [::1]:40000")
        #expect(ChangeSummary.stopped(["a", "b"]) == "stopped a, b")
        #expect(ChangeSummary.stopped([]) == "no engines to stop")
        let reload = ReloadMethod.Reply(started: ["a"], stopped: [], restarted: [], unchanged: ["b", "c"])
        #expect(
            ChangeSummary.reloaded(reload) == "reloaded: started 1 (a), stopped 0, restarted 0, unchanged 2 (b, c)"
        )
    }

    @Test("--json: the reply parameters on one line, keys sorted, slashes as they are")
    func json() throws {
        let parameters = Data(#"{"socket":"\/run\/udplabd.sock","engines":2,"a":[true,1.5]}"#.utf8)
        #expect(JSONLine.text(of: parameters) == #"{"a":[true,1.5],"engines":2,"socket":"/run/udplabd.sock"}"#)
    }
}
