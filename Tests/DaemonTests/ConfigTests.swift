import ArgumentParser
import Foundation
import Logging
import Testing
import UDPLabOS
import UDPLabProtocol

@testable import Daemon

/// The config file: every key, its default, and every kind of problem reported at its line.
@Suite("Config file")
struct ConfigTests {
    /// Parses `text` as `test.toml`.
    /// - Returns: the problems it has, none if it is valid.
    private func problems(in text: String) -> [ConfigProblem] {
        do {
            _ = try DaemonConfig.parse(text, source: "test.toml")
            return []
        } catch {
            return error.problems
        }
    }

    /// A problem in `test.toml`.
    private func problem(_ line: Int?, _ message: String) -> ConfigProblem {
        ConfigProblem(source: "test.toml", line: line, message: message)
    }

    /// A file in a fresh temporary directory holding `contents`.
    private func temporaryFile(_ contents: Data) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("udplab-config-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("udplabd.toml")
        try contents.write(to: file)
        return file.path
    }

    // MARK: - The embedded default

    @Test("The embedded default is one echo engine on reactor-edge at 127.0.0.1:2000, daemon defaults")
    func embeddedDefault() throws {
        let config = try DaemonConfig.parse(
            DaemonConfig.embeddedDefaultText,
            source: DaemonConfig.embeddedDefaultSource
        )
        let expected = EngineDefinition(
            name: try EngineName("echo"),
            spec: EngineSpec(kind: .echo, backend: .reactorEdge, bind: try SocketAddress(parsing: "127.0.0.1:2000"))
        )
        #expect(config.engines == [expected])
        #expect(config == DaemonConfig(engines: [expected]))
    }

    @Test("The embedded default is byte for byte packaging/udplabd.toml, with comment lines of at most 100 characters")
    func embeddedDefaultMatchesPackaging() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = try Data(contentsOf: root.appendingPathComponent("packaging/udplabd.toml"))
        #expect(file == Data(DaemonConfig.embeddedDefaultText.utf8))
        let long = DaemonConfig.embeddedDefaultText.split(separator: "\n").filter { $0.count > 100 }
        #expect(long.isEmpty, "\(long)")
    }

    @Test("Every key of the example is commented out with its true default, or set to it")
    func exampleShowsDefaults() throws {
        // Uncommenting the daemon keys and the first engine's keys must change nothing.
        let lines = DaemonConfig.embeddedDefaultText.split(separator: "\n", omittingEmptySubsequences: false)
        let firstExample = lines.firstIndex { $0.hasPrefix("#[[engine]]") } ?? lines.endIndex
        let uncommented = lines[..<firstExample].map { line in
            line.hasPrefix("#") && !line.hasPrefix("# ") && line.contains(" = ") ? line.dropFirst() : line
        }
        let config = try DaemonConfig.parse(uncommented.joined(separator: "\n"), source: "uncommented")
        let reactorEdge = EngineSpec(backend: .reactorEdge, queue: 8, buffer: 1500, budget: 0, reply: .echo)
        #expect(config.socketPath == "/run/udplabd.sock")
        #expect(config.stateDirectory == "/var/lib/udplabd")
        #expect(config.statsInterval == DaemonConfig.defaultStatsInterval)
        #expect(config.logLevel == DaemonConfig().logLevel)
        #expect(config.socketMode == DaemonConfig.defaultSocketMode)
        #expect(config.engines.map(\.spec) == [reactorEdge])
        #expect(reactorEdge.queueCapacity == EngineSpec().queueCapacity)
        #expect(reactorEdge.bufferSize == EngineSpec().bufferSize)
        #expect(reactorEdge.effectiveBudget == EngineSpec().effectiveBudget)
        #expect(reactorEdge.effectiveReply == EngineSpec().effectiveReply)
    }

    // MARK: - Keys and defaults

    @Test("Every key is read")
    func everyKey() throws {
        let text = """
            [daemon]
            socket = "/run/test/udplabd.sock"
            state_dir = "/var/lib/test"
            stats_interval = "500ms"
            log_level = "debug"
            socket_mode = "0660"

            [[engine]]
            name = "e1"
            kind = "echo"
            backend = "flipflop"
            bind = "[::1]:2001"
            buffer = 9000
            budget = 4
            trace = true

            [[engine]]
            name = "e2"
            backend = "select"
            bind = "127.0.0.1:0"
            queue = 64

            [[engine]]
            name = "e3"
            backend = "mmsg"
            batch = 64
            reply = "sockperf"

            [[engine]]
            name = "ms"
            kind = "multisocket"
            strategy = "join"
            bind = "127.0.0.1:2010"
            count = 4

            [[engine]]
            name = "timer"
            kind = "mixed"
            bind = "127.0.0.1:2020"
            interval = "200ms"

            [[engine]]
            name = "nt"
            kind = "notify"
            interval = 0.5
            polls = 3
            """
        let config = try DaemonConfig.parse(text, source: "test.toml")
        #expect(config.socketPath == "/run/test/udplabd.sock")
        #expect(config.stateDirectory == "/var/lib/test")
        #expect(config.statsInterval == .milliseconds(500))
        #expect(config.logLevel == .debug)
        #expect(config.socketMode == 0o660)
        #expect(
            config.engines == [
                EngineDefinition(
                    name: try EngineName("e1"),
                    spec: EngineSpec(
                        kind: .echo,
                        backend: .flipflop,
                        bind: try SocketAddress(parsing: "[::1]:2001"),
                        buffer: 9000,
                        budget: 4,
                        trace: true
                    )
                ),
                EngineDefinition(
                    name: try EngineName("e2"),
                    spec: EngineSpec(backend: .select, bind: try SocketAddress(parsing: "127.0.0.1:0"), queue: 64)
                ),
                EngineDefinition(
                    name: try EngineName("e3"),
                    spec: EngineSpec(backend: .mmsg, batch: 64, reply: .sockperf)
                ),
                EngineDefinition(
                    name: try EngineName("ms"),
                    spec: EngineSpec(
                        kind: .multisocket,
                        bind: try SocketAddress(parsing: "127.0.0.1:2010"),
                        strategy: .join,
                        count: 4
                    )
                ),
                EngineDefinition(
                    name: try EngineName("timer"),
                    spec: EngineSpec(kind: .mixed, bind: try SocketAddress(parsing: "127.0.0.1:2020"), interval: 0.2)
                ),
                EngineDefinition(name: try EngineName("nt"), spec: EngineSpec(kind: .notify, interval: 0.5, polls: 3)),
            ]
        )
    }

    @Test(
        "interval takes ms, s, m, h or a number of seconds, and is stored in seconds",
        arguments: [
            ("\"200ms\"", 0.2), ("\"3s\"", 3.0), ("\"2m\"", 120.0), ("\"1h\"", 3600.0), ("5", 5.0), ("1.5", 1.5),
        ]
    )
    func interval(written: String, seconds: Double) throws {
        let config = try DaemonConfig.parse(
            "[[engine]]\nkind = \"mixed\"\ninterval = \(written)\n",
            source: "test.toml"
        )
        #expect(config.engines.first?.spec.interval == seconds)
    }

    @Test("Every example engine of the embedded default is valid once uncommented")
    func examplesAreValid() throws {
        let lines = DaemonConfig.embeddedDefaultText.split(separator: "\n", omittingEmptySubsequences: false)
        let uncommented = lines.map { line in line.hasPrefix("#") && !line.hasPrefix("# ") ? line.dropFirst() : line }
        let config = try DaemonConfig.parse(uncommented.joined(separator: "\n"), source: "uncommented")
        #expect(
            config.engines.map(\.name.rawValue) == [
                "echo", "echo-level", "echo6", "echo-mmsg", "multi", "mixed", "notify", "relay",
            ]
        )
        #expect(config.engines.map(\.spec.kind) == [.echo, .echo, .echo, .echo, .multisocket, .mixed, .notify, .relay])
    }

    @Test("An empty file is the daemon's defaults and no engine; an empty engine table is an echo engine")
    func defaults() throws {
        let empty = try DaemonConfig.parse("", source: "test.toml")
        #expect(empty == DaemonConfig())
        #expect(empty.socketPath == nil && empty.stateDirectory == nil)
        #expect(empty.statsInterval == .seconds(60))
        #expect(empty.logLevel == .info)
        #expect(empty.socketMode == 0o666)
        #expect(empty.engines.isEmpty)

        let engine = try DaemonConfig.parse("[daemon]\n[[engine]]\n", source: "test.toml")
        #expect(engine.engines == [EngineDefinition(name: EngineName(defaultFor: .echo), spec: EngineSpec())])
        #expect(engine.engines[0].name.rawValue == "echo")
        #expect(engine.engines[0].spec.backend == .reactorEdge)
        #expect(engine.engines[0].spec.bind.description == "127.0.0.1:2000")
    }

    @Test("Tables written inline or as dotted keys are read like the others")
    func inlineTables() throws {
        let text = """
            daemon = { log_level = "error" }
            engine = [{ name = "a", bind = "127.0.0.1:2001" }, { name = "b", bind = "127.0.0.1:2002" }]
            """
        let config = try DaemonConfig.parse(text, source: "test.toml")
        #expect(config.logLevel == .error)
        #expect(config.engines.map(\.name.rawValue) == ["a", "b"])
        #expect(try DaemonConfig.parse("daemon.log_level = \"trace\"", source: "test.toml").logLevel == .trace)
    }

    // MARK: - Values

    @Test(
        "stats_interval takes ms, s, m, h or a number of seconds",
        arguments: [
            ("\"60s\"", Duration.seconds(60)), ("\"500ms\"", .milliseconds(500)), ("\"2m\"", .seconds(120)),
            ("\"1h\"", .seconds(3600)), ("\"24h\"", .seconds(86400)), ("\"1ms\"", .milliseconds(1)),
            ("5", .seconds(5)),
        ]
    )
    func durations(written: String, expected: Duration) throws {
        let config = try DaemonConfig.parse("[daemon]\nstats_interval = \(written)\n", source: "test.toml")
        #expect(config.statsInterval == expected)
    }

    @Test(
        "A bad stats_interval is a problem at its line",
        arguments: [
            ("\"5\"", "stats_interval '5' is not a duration"),
            ("\"1.5s\"", "stats_interval '1.5s' is not a duration"),
            ("\"60 s\"", "stats_interval '60 s' is not a duration"),
            ("\"s\"", "stats_interval 's' is not a duration"),
            ("\"-1s\"", "stats_interval '-1s' is not a duration"),
            ("\"99999999999999999999h\"", "stats_interval '99999999999999999999h' is not a duration"),
            ("\"0s\"", "stats_interval '0s' is out of range: use 1ms to 24h"),
            ("\"25h\"", "stats_interval '25h' is out of range"),
            ("0", "stats_interval 0 is out of range"),
            ("-3", "stats_interval -3 is out of range"),
            (
                "1.5",
                "stats_interval must be a duration like \"60s\" or a number of seconds, not a floating-point number"
            ),
        ]
    )
    func badDurations(written: String, message: String) {
        let found = problems(in: "[daemon]\n\nstats_interval = \(written)\n")
        #expect(found.count == 1)
        #expect(found.first?.line == 3)
        #expect(found.first?.message.hasPrefix(message) == true, "\(found)")
    }

    @Test(
        "socket_mode is octal: a string of digits, 0o digits, or digits read as octal",
        arguments: [
            ("\"0660\"", UInt16(0o660)), ("\"660\"", 0o660), ("\"0\"", 0), ("\"0777\"", 0o777), ("0o640", 0o640),
            ("600", 0o600), ("0o6_4_0", 0o640), ("0", 0), ("0o777  # everyone", 0o777),
        ]
    )
    func socketModes(written: String, expected: UInt16) throws {
        let config = try DaemonConfig.parse("[daemon]\nsocket_mode = \(written)\n", source: "test.toml")
        #expect(config.socketMode == expected)
    }

    @Test(
        "A bad socket_mode is a problem at its line",
        arguments: [
            ("\"0999\"", "socket_mode '0999' is not an octal mode: write e.g. \"0660\""),
            ("\"rw-rw----\"", "socket_mode 'rw-rw----' is not an octal mode"),
            ("\"\"", "socket_mode '' is not an octal mode"),
            ("\"+660\"", "socket_mode '+660' is not an octal mode"),
            ("888", "socket_mode 888 is not an octal mode"),
            ("0x1b6", "socket_mode 0x1b6 is not an octal mode"),
            ("\"1777\"", "socket_mode '1777' is out of range: use 0000 to 0777 (permission bits only)"),
            ("0o1000", "socket_mode 0o1000 is out of range"),
            ("true", "socket_mode must be octal digits like \"0660\", not a boolean"),
        ]
    )
    func badSocketModes(written: String, message: String) {
        let found = problems(in: "[daemon]\nsocket = \"/run/x.sock\"\nsocket_mode = \(written)\n")
        #expect(found.map(\.line) == [3])
        #expect(found.first?.message.hasPrefix(message) == true, "\(found)")
    }

    @Test("socket_mode in an inline [daemon] must be a string: the integer's digits are not known")
    func inlineSocketMode() throws {
        #expect(try DaemonConfig.parse("daemon = { socket_mode = \"0600\" }", source: "t").socketMode == 0o600)
        #expect(
            problems(in: "\n\ndaemon = { socket_mode = 0o600 }")
                == [problem(3, "write socket_mode as a string of octal digits, like \"0660\"")]
        )
    }

    @Test("Every log level is accepted by name")
    func logLevels() throws {
        for level in Logger.Level.allCases {
            let config = try DaemonConfig.parse("[daemon]\nlog_level = \"\(level.rawValue)\"", source: "test.toml")
            #expect(config.logLevel == level)
        }
    }

    // MARK: - Problems and their lines

    @Test(
        "Each kind of problem is reported at the line of the offending key or table",
        arguments: [
            // Unknown tables and keys.
            (
                "[daemon]\n\n[deamon]\nsocket = \"/x\"\n", 3,
                "unknown table [deamon]: the file has a [daemon] table and [[engine]] tables"
            ),
            (
                "# top\n\nsockets = \"/x\"\n", 3,
                "unknown key 'sockets': the file has a [daemon] table and [[engine]] tables"
            ),
            (
                "[daemon]\nsocket = \"/x\"\nsocket_path = \"/y\"\n", 3,
                "unknown key 'socket_path' in [daemon]: use socket, socket_mode, state_dir, stats_interval, log_level"
            ),
            (
                "[[engine]]\nname = \"a\"\n\n  colour = \"red\"  # comment\n", 4,
                "unknown key 'colour' in [[engine]]: use name, kind, backend, strategy, bind, dual_stack, count, queue, buffer, "
                    + "budget, batch, threads, steer, reply, deny_source_ports, rate_limit, rate_limit_prefix, rate_limit_total, reflect_tos, consumer_bind, max_consumers, consumer_timeout, interval, polls, trace"
            ),
            ("[daemon]\n[daemon.extra]\nx = 1\n", 2, "unknown key 'extra' in [daemon]: use socket,"),
            ("[daemon]\nextra.x = 1\n", 2, "unknown key 'extra' in [daemon]"),
            ("[[engine]]\n\n[engine.sub]\nx = 1\n", 3, "unknown key 'sub' in [[engine]]"),
            // Tables of the wrong shape.
            ("\n[[daemon]]\nsocket = \"/x\"\n", 2, "daemon must be a table, written [daemon], not an array"),
            ("daemon = 3\n", 1, "daemon must be a table, written [daemon], not an integer"),
            (
                "\n[engine]\nname = \"a\"\n", 2,
                "engine must be an array of tables, each written [[engine]], not a table"
            ),
            ("engine = [1]\n", 1, "each engine must be a table, written [[engine]], not an integer"),
            // Wrong types.
            ("[daemon]\nsocket = 1\n", 2, "socket must be a string, not an integer"),
            ("[daemon]\nlog_level = [\"info\"]\n", 2, "log_level must be a string, not an array"),
            ("[[engine]]\nname = \"a\"\nqueue = \"8\"\n", 3, "queue must be an integer, not a string"),
            ("[[engine]]\nbuffer = 1.5\n", 2, "buffer must be an integer, not a floating-point number"),
            ("[[engine]]\ntrace = \"yes\"\n", 2, "trace must be a boolean, not a string"),
            ("[[engine]]\nbind = 2000\n", 2, "bind must be a string, not an integer"),
            ("[[engine]]\nbudget = 2024-01-01\n", 2, "budget must be an integer, not a date"),
            ("[[engine]]\nkind = \"multisocket\"\ncount = \"4\"\n", 3, "count must be an integer, not a string"),
            (
                "[[engine]]\nkind = \"notify\"\npolls = 2.5\n", 3,
                "polls must be an integer, not a floating-point number"
            ),
            (
                "[[engine]]\nkind = \"mixed\"\ninterval = true\n", 3,
                "interval must be a duration like \"3s\" or a number of seconds, not a boolean"
            ),
            // Bad values.
            (
                "[daemon]\nsocket = \"udplabd.sock\"\n", 2,
                "socket 'udplabd.sock' is not an absolute path: write it from /"
            ),
            ("[daemon]\nstate_dir = \"var/lib\"\n", 2, "state_dir 'var/lib' is not an absolute path"),
            (
                "[daemon]\nsocket = \"/\(String(repeating: "s", count: 107))\"\n", 2,
                "socket path is 108 bytes long: a Unix socket path has at most 107"
            ),
            (
                "[daemon]\nlog_level = \"loud\"\n", 2,
                "log_level 'loud' is not a level: use one of trace, debug, info, notice, warning, error, critical"
            ),
            ("[[engine]]\nname = \"no spaces\"\n", 2, "'no spaces' is not a valid engine name: use 1–63 characters"),
            ("[[engine]]\nname = \"\"\n", 2, "'' is not a valid engine name"),
            ("[[engine]]\nkind = \"discard\"\n", 2, "unknown kind 'discard': use one of echo"),
            (
                "[[engine]]\nbackend = \"epoll\"\n", 2,
                "unknown backend 'epoll': use one of select, poll, epoll-level, epoll-edge, reactor-level, reactor-edge, flipflop"
            ),
            (
                "[[engine]]\nbind = \"127.0.0.1:99999\"\n", 2,
                "invalid bind: '127.0.0.1:99999' is not a HOST:PORT address: port must be 0–65535"
            ),
            ("[[engine]]\nbind = \"localhost:2000\"\n", 2, "invalid bind: 'localhost:2000' is not a HOST:PORT address"),
            (
                "[[engine]]\nkind = \"multisocket\"\nstrategy = \"all\"\n", 3,
                "unknown strategy 'all': use one of join, spawn, unordered, taskgroup"
            ),
            (
                "[[engine]]\nkind = \"mixed\"\ninterval = \"1.5s\"\n", 3,
                "interval '1.5s' is not a duration: write e.g. \"200ms\", \"3s\", \"2m\" or a number of seconds"
            ),
            // EngineSpec's own checks, at the option's line.
            ("[[engine]]\nname = \"a\"\nqueue = 0\n", 3, "--queue 0 is out of range: use 1–4096"),
            ("[[engine]]\nbuffer = 65536\n", 2, "--buffer 65536 is out of range: use 1–65535 bytes"),
            ("[[engine]]\nbudget = -1\n", 2, "--budget -1 is out of range"),
            ("[[engine]]\nbackend = \"flipflop\"\nqueue = 4\n", 3, "--queue does not apply to backend flipflop"),
            ("[[engine]]\nstrategy = \"join\"\n", 2, "--strategy does not apply to kind echo: it is for multisocket"),
            ("[[engine]]\nkind = \"multisocket\"\ncount = 0\n", 3, "--count 0 is out of range: use 1–1024"),
            (
                "[[engine]]\nkind = \"multisocket\"\nbind = \"127.0.0.1:65530\"\ncount = 10\n", 4,
                "--count 10 sockets from port 65530 would pass port 65535"
            ),
            (
                "[[engine]]\nkind = \"multisocket\"\nbind = \"127.0.0.1:65530\"\n", 3,
                "--count 10 sockets from port 65530 would pass port 65535"
            ),
            (
                "[[engine]]\nkind = \"mixed\"\ninterval = \"5ms\"\n", 3,
                "--interval 0.005s is out of range: use 10ms to 1h"
            ),
            ("[[engine]]\nkind = \"mixed\"\npolls = 3\n", 3, "--polls does not apply to kind mixed: it is for notify"),
            (
                "[[engine]]\nbackend = \"epoll-edge\"\nbatch = 8\n", 3,
                "--batch does not apply to backend epoll-edge: it is for backends mmsg, uring and gso"
            ),
            ("[[engine]]\nbackend = \"mmsg\"\nbatch = 2048\n", 3, "--batch 2048 is out of range: use 1–1024"),
            ("[[engine]]\nkind = \"notify\"\nreply = \"sockperf\"\n", 3, "--reply does not apply to kind notify"),
            ("[[engine]]\nreply = \"pong\"\n", 2, "unknown reply 'pong': use one of echo, sockperf"),
            ("[[engine]]\nreply = 1\n", 2, "reply must be a string, not an integer"),
            ("[[engine]]\nkind = \"empty\"\nbuffer = 512\n", 3, "--buffer does not apply to kind empty"),
            // A backend given to another kind is one problem, at its own line.
            (
                "[[engine]]\nkind = \"multisocket\"\nbackend = \"select\"\ncount = 2\nbuffer = 512\n", 3,
                "--backend does not apply to kind multisocket"
            ),
            // Syntax errors: one problem at the error's line.
            ("[daemon]\nsocket = \"/x\"\nlog_level = \n", 3, "invalid TOML: "),
            ("[daemon]\nsocket = \"/x\nlog_level = \"info\"\n", 2, "invalid TOML: "),
            ("[daemon]\nsocket = \"/x\"\nsocket = \"/y\"\n", 3, "invalid TOML: "),
            ("[daemon]\n\n\n[daemon\n", 4, "invalid TOML: "),
            ("a = 1\n\u{0}b = 2\n", 2, "the text has a NUL byte"),
        ]
    )
    func problemLine(text: String, line: Int, message: String) {
        let found = problems(in: text)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.line == line, "\(found)")
        #expect(found.first?.message.hasPrefix(message) == true, "\(found)")
        #expect(found.first?.source == "test.toml")
    }

    @Test("Every problem is reported, in line order, not just the first")
    func severalProblems() {
        let text = """
            [daemon]
            log_level = "loud"
            colour = "red"
            stats_interval = "soon"

            [[engine]]
            name = "first"
            queue = 0
            buffer = 0
            budget = -1

            [[engine]]
            name = "second"
            backend = "nope"
            bind = "nowhere"
            trace = 1

            [extra]
            """
        let found = problems(in: text)
        #expect(found.map(\.line) == [2, 3, 4, 8, 9, 10, 14, 15, 16, 18], "\(found)")
        #expect(found[0].message.hasPrefix("log_level 'loud'"))
        #expect(found[1].message.hasPrefix("unknown key 'colour'"))
        #expect(found[2].message.hasPrefix("stats_interval 'soon'"))
        #expect(found[3].message.hasPrefix("--queue 0"))
        #expect(found[4].message.hasPrefix("--buffer 0"))
        #expect(found[5].message.hasPrefix("--budget -1"))
        #expect(found[6].message.hasPrefix("unknown backend 'nope'"))
        #expect(found[7].message.hasPrefix("invalid bind: 'nowhere'"))
        #expect(found[8].message == "trace must be a boolean, not an integer")
        #expect(found[9].message.hasPrefix("unknown table [extra]"))
    }

    @Test("Two engines with one name: a problem at the second that names the first's line")
    func duplicateNames() {
        let explicit = problems(
            in: "[[engine]]\nname = \"a\"\nbind = \"127.0.0.1:1\"\n\n[[engine]]\nbind = \"127.0.0.1:2\"\nname = \"a\"\n"
        )
        #expect(
            explicit == [
                problem(7, "engine name 'a' is already used by the engine at line 2: give each engine its own name")
            ]
        )
        let unnamed = problems(in: "[[engine]]\nbind = \"127.0.0.1:1\"\n[[engine]]\n[[engine]]\nname = \"echo\"\n")
        #expect(
            unnamed == [
                problem(
                    3,
                    "engine name 'echo' is already used by the engine at line 1 (an engine without a name is named "
                        + "after its kind): give each engine its own name"
                ),
                problem(5, "engine name 'echo' is already used by the engine at line 1: give each engine its own name"),
            ]
        )
        // An engine with other problems still claims its name; one with a bad kind has no default name.
        let broken = problems(
            in: "[[engine]]\nname = \"a\"\nqueue = 0\n[[engine]]\nname = \"a\"\n[[engine]]\nkind = \"x\"\n"
        )
        #expect(broken.map(\.line) == [3, 5, 7], "\(broken)")
    }

    @Test("Two engines on one address: a problem at the second's bind that names the first's line")
    func sharedAddresses() {
        let same = problems(
            in:
                "[[engine]]\nname = \"a\"\nbind = \"127.0.0.1:2000\"\n[[engine]]\nname = \"b\"\nbind = \"127.0.0.1:2000\"\n"
        )
        #expect(
            same == [
                problem(
                    6,
                    "engine 'b' binds 127.0.0.1:2000, which the engine 'a' at line 3 binds too (127.0.0.1:2000): "
                        + "give each engine its own address or port"
                )
            ]
        )
        // Without a bind, both are on the default 127.0.0.1:2000; the problem is at the table.
        let defaults = problems(in: "[[engine]]\nname = \"a\"\n[[engine]]\nname = \"b\"\n")
        #expect(defaults.map(\.line) == [3], "\(defaults)")
        let ranges = problems(
            in: """
                [[engine]]
                name = "ms"
                kind = "multisocket"
                bind = "127.0.0.1:3000"
                count = 10
                [[engine]]
                name = "e"
                bind = "0.0.0.0:3009"
                """
        )
        #expect(
            ranges == [
                problem(
                    8,
                    "engine 'e' binds 0.0.0.0:3009, which the engine 'ms' at line 4 binds too (127.0.0.1:3000–3009): "
                        + "give each engine its own address or port"
                )
            ]
        )
        let dualStack = problems(
            in:
                "[[engine]]\nbind = \"[::]:4000\"\ndual_stack = true\n[[engine]]\nname = \"v4\"\nbind = \"127.0.0.1:4000\"\n"
        )
        #expect(dualStack.map(\.line) == [6], "\(dualStack)")
        // Separate ports, IPv6-only next to IPv4, port 0 twice: all fine.
        #expect(
            problems(
                in: """
                    [[engine]]
                    name = "a"
                    bind = "127.0.0.1:2000"
                    [[engine]]
                    name = "b"
                    bind = "127.0.0.1:2001"
                    [[engine]]
                    name = "c"
                    bind = "[::]:2000"
                    [[engine]]
                    name = "d"
                    bind = "127.0.0.1:0"
                    [[engine]]
                    name = "e"
                    bind = "127.0.0.1:0"
                    """
            ).isEmpty
        )
    }

    @Test("dual_stack is read, and refused on an IPv4 bind at its line")
    func dualStackKey() throws {
        let config = try DaemonConfig.parse("[[engine]]\nbind = \"[::]:0\"\ndual_stack = true\n", source: "test.toml")
        #expect(config.engines.map(\.spec.dualStack) == [true])
        let ipv4 = problems(in: "[[engine]]\nbind = \"127.0.0.1:0\"\ndual_stack = true\n")
        #expect(ipv4.map(\.line) == [3], "\(ipv4)")
        #expect(ipv4.first?.message.hasPrefix("--dual-stack needs an IPv6 --bind") == true, "\(ipv4)")
    }

    @Test("Strings, arrays and comments that look like headers or keys do not shift the lines")
    func linesSurviveTrickyText() {
        let text = #"""
            # [[engine]] in a comment
            [daemon]
            socket = "/run/a # not a comment [[engine]]"
            notes = """
            [[engine]]
            queue = 0
            """
            list = [
              ["nested"],
              [
                "[[engine]]", # name = "x"
              ],
            ]
            literal = '''
            [daemon]'''
            'quoted key' = { a = "}" }
            escaped = "a \" [[engine]] \\"

            [[engine]]
            "name" = "first"
            kind.deep = 1
            """#
        let found = problems(in: text)
        #expect(
            found.map(\.line) == [4, 8, 14, 16, 17, 21],
            "\(found.map(\.description).joined(separator: "\n"))"
        )
        #expect(found.last?.message == "kind must be a string, not a table")
    }

    @Test("A problem prints as PATH:LINE: message, an error as one problem per line")
    func descriptions() {
        let error = ConfigError(problems: [
            ConfigProblem(
                source: "/etc/udplabd/udplabd.toml",
                line: 12,
                message: "queue must be an integer, not a string"
            ),
            ConfigProblem(source: "/etc/udplabd/udplabd.toml", line: nil, message: "cannot read: no such file"),
        ])
        #expect(
            error.description == """
                /etc/udplabd/udplabd.toml:12: queue must be an integer, not a string
                /etc/udplabd/udplabd.toml: cannot read: no such file
                """
        )
    }

    // MARK: - Files

    @Test("load reads a file and names it in problems")
    func loadsFiles() throws {
        let good = try temporaryFile(Data("[[engine]]\nname = \"x\"\n".utf8))
        #expect(try DaemonConfig.load(path: good).engines.map(\.name.rawValue) == ["x"])

        let bad = try temporaryFile(Data("[daemon]\nlog_level = \"loud\"\n".utf8))
        do {
            _ = try DaemonConfig.load(path: bad)
            Issue.record("\(bad) loaded")
        } catch {
            #expect(
                error.description
                    == "\(bad):2: log_level 'loud' is not a level: use one of trace, debug, info, notice, warning, "
                    + "error, critical"
            )
        }
    }

    @Test(
        "A file that cannot be read is one problem without a line",
        arguments: ["missing", "directory", "binary"]
    )
    func unreadableFiles(kind: String) throws {
        let path: String
        let reason: String
        switch kind {
        case "missing":
            path = "/nonexistent/udplab/udplabd.toml"
            reason = "cannot read: no such file"
        case "directory":
            path = FileManager.default.temporaryDirectory.path
            reason = "cannot read: it is a directory"
        default:
            path = try temporaryFile(Data([0x61, 0x20, 0x3D, 0x20, 0x22, 0xFF, 0x22, 0x0A]))
            reason = "the file is not UTF-8 text"
        }
        do {
            _ = try DaemonConfig.load(path: path)
            Issue.record("\(path) loaded")
        } catch {
            #expect(error.problems == [ConfigProblem(source: path, line: nil, message: reason)])
        }
    }

    // MARK: - check-config

    @Test("check-config's summary names each engine's kind, backend and address")
    func summary() throws {
        let one = try DaemonConfig.parse(DaemonConfig.embeddedDefaultText, source: "x")
        #expect(
            CheckConfigCommand.summary(of: one, source: "/etc/udplabd/udplabd.toml")
                == "/etc/udplabd/udplabd.toml: ok, 1 engine (echo: echo reactor-edge 127.0.0.1:2000)"
        )
        let two = try DaemonConfig.parse(
            "[[engine]]\nname = \"a\"\n[[engine]]\nname = \"b\"\nbackend = \"poll\"\nbind = \"[::1]:7\"\n",
            source: "x"
        )
        #expect(
            CheckConfigCommand.summary(of: two, source: "c.toml")
                == "c.toml: ok, 2 engines (a: echo reactor-edge 127.0.0.1:2000, b: echo poll [::1]:7)"
        )
        #expect(CheckConfigCommand.summary(of: DaemonConfig(), source: "c.toml") == "c.toml: ok, 0 engines")
    }

    @Test("check-config exits 0 for a valid file and 65 for one with problems")
    func checkConfigExitStatus() throws {
        let good = try temporaryFile(Data(DaemonConfig.embeddedDefaultText.utf8))
        try CheckConfigCommand.parse(["--config", good]).run()

        let bad = try temporaryFile(Data("[daemon]\nlog_level = \"loud\"\n".utf8))
        #expect(throws: ExitCode(65)) { try CheckConfigCommand.parse(["--config", bad]).run() }
        #expect(throws: ExitCode(65)) { try CheckConfigCommand.parse(["--config", "/nonexistent/x.toml"]).run() }
    }
}
