import Foundation
import Testing
import UDPLabProtocol

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

    @Test("list: a multisocket engine shows its strategy and socket count, a notify engine no backend or address")
    func listOtherKinds() {
        let expected = """
            NAME  KIND         BACKEND       ADDRESS                      STATE      ORIGIN
            echo  echo         reactor-edge  127.0.0.1:2000               running    runtime
            ms    multisocket  unordered     127.0.0.1:2010 (10 sockets)  running    runtime
            nt    notify       -             -                            completed  runtime (transient)
            """
        #expect(EngineListView.text([Fixtures.echo, Fixtures.multi, Fixtures.notify]) == expected)
    }

    @Test("stats: one column per engine, per-datagram costs with two decimals, - before the first datagram")
    func stats() {
        let expected = """
                                             echo            idle
            kind                             echo            echo
            backend                  reactor-edge          select
            state                         running         running
            address                127.0.0.1:2000  127.0.0.1:2001
            rx datagrams                     1000               0
            rx bytes                        48000               0
            tx datagrams                     1000               0
            tx bytes                        48000               0
            dropped                            10               0
            unanswered                          0               0
            policy drops                        0               0
            rate limited                        0               0
            kernel drops                        0               0
            truncated                           0               0
            errors                              0               0
            wakeups/datagram                 1.00               -
            syscalls/datagram                3.00               -
            task polls/datagram              0.00               -
            future polls/datagram            0.00               -
            events                           1003               0
            timer events                        0               0
            waker writes                        0               0
            queue high water                    3               0
            residence p50 µs                 12.3               -
            residence p99 µs                 41.0               -
            """
        #expect(StatsView.text([Fixtures.busyStats, Fixtures.idleStats]) == expected)
        #expect(StatsView.text([]) == "no engines")
    }

    @Test("stats: a multisocket engine shows its strategy, polls per datagram and one row per socket")
    func statsMultisocket() {
        let expected = """
                                               ms    empty            echo
            kind                      multisocket    empty            echo
            backend                          join        -    reactor-edge
            state                         running  running         running
            address                127.0.0.1:2010        -  127.0.0.1:2000
            rx datagrams                       30        0            1000
            rx bytes                         1440        0           48000
            tx datagrams                        0        0            1000
            tx bytes                            0        0           48000
            dropped                             0        0              10
            unanswered                          0        0               0
            policy drops                        0        0               0
            rate limited                        0        0               0
            kernel drops                        0        0               0
            truncated                           0        0               0
            errors                              0        0               0
            wakeups/datagram                 1.00        -            1.00
            syscalls/datagram                3.17        -            3.00
            task polls/datagram              1.00        -            0.00
            future polls/datagram            3.00        -            0.00
            events                             30        0            1003
            timer events                        0        0               0
            waker writes                        0        0               0
            queue high water                    0        0               3
            residence p50 µs                    -        -            12.3
            residence p99 µs                    -        -            41.0
            rx on 127.0.0.1:2010               12        -               -
            rx on 127.0.0.1:2011               10        -               -
            rx on 127.0.0.1:2012                8        -               -
            """
        #expect(StatsView.text([Fixtures.joinStats, Fixtures.emptyStats, Fixtures.busyStats]) == expected)
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

    @Test("backends: the backends, then the kinds, then the strategies")
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
            kinds: [
                .init(name: "echo", summary: "echo each datagram to its sender", mirrors: "echo-select …"),
                .init(name: "empty", summary: "a reactor with nothing registered", mirrors: "mio-empty"),
            ],
            strategies: [
                .init(name: "join", summary: "every wakeup polls all N", mirrors: "tokio-multisocket-join"),
                .init(name: "taskgroup", summary: "Swift TaskGroup", mirrors: "(none)"),
            ]
        )
        let expected = """
            BACKEND  TRIGGER  MIRRORS      SUMMARY
            select   level    echo-select  select(2)
            uring    edge     -            io_uring (not available here)

            KIND   MIRRORS        SUMMARY
            echo   echo-select …  echo each datagram to its sender
            empty  mio-empty      a reactor with nothing registered

            STRATEGY   MIRRORS                 SUMMARY
            join       tokio-multisocket-join  every wakeup polls all N
            taskgroup  (none)                  Swift TaskGroup
            """
        #expect(BackendsView.text(reply) == expected)
    }

    @Test("start, stop and reload confirm in one line")
    func changes() {
        #expect(ChangeSummary.started(Fixtures.echo) == "started echo (echo, reactor-edge) on 127.0.0.1:2000")
        #expect(ChangeSummary.started(Fixtures.broken) == "started edge-1 (echo, epoll-edge, transient) on [::1]:40000")
        #expect(
            ChangeSummary.started(Fixtures.multi)
                == "started ms (multisocket, unordered) on 127.0.0.1:2010 (10 sockets)"
        )
        #expect(ChangeSummary.started(Fixtures.notify) == "started nt (notify, transient)")
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
