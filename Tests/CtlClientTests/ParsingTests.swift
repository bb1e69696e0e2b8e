import ArgumentParser
import Testing
import UDPLabProtocol

@testable import CtlClient

/// Command lines as a user types them, parsed the way `udplabctl` parses them.
@Suite("Argument parsing")
struct ParsingTests {
    /// Parses `arguments` and casts the result to the expected command.
    private func parse<Command: ParsableCommand>(_ arguments: [String], as type: Command.Type) throws -> Command {
        let command = try UdplabCtl.parseAsRoot(arguments)
        return try #require(command as? Command, "parsed as \(Swift.type(of: command))")
    }

    @Test("start passes every option it knows and omits the rest")
    func start() throws {
        let command = try parse(
            [
                "start", "echo", "--name", "fast", "--backend", "epoll-edge", "--bind", "[::1]:2001",
                "--queue", "32", "--buffer", "9000", "--budget", "0", "--trace", "--transient",
            ],
            as: StartCommand.self
        )
        #expect(
            command.parameters
                == StartMethod.Parameters(
                    name: "fast",
                    kind: "echo",
                    options: [
                        .backend: .text("epoll-edge"), .bind: .text("[::1]:2001"), .queue: .integer(32),
                        .buffer: .integer(9000), .budget: .integer(0), .trace: .flag(true),
                    ],
                    transient: true
                )
        )
        let bare = try parse(["start", "echo"], as: StartCommand.self)
        #expect(bare.parameters == StartMethod.Parameters(kind: "echo"))
    }

    @Test("start passes the options of the other kinds; --interval takes a duration and sends seconds")
    func startOtherKinds() throws {
        let multisocket = try parse(
            ["start", "multisocket", "--strategy", "join", "--count", "4", "--bind", "127.0.0.1:2010"],
            as: StartCommand.self
        )
        #expect(
            multisocket.parameters
                == StartMethod.Parameters(
                    kind: "multisocket",
                    options: [.strategy: .text("join"), .bind: .text("127.0.0.1:2010"), .count: .integer(4)]
                )
        )
        let notify = try parse(["start", "notify", "--interval", "100ms", "--polls", "10"], as: StartCommand.self)
        #expect(
            notify.parameters
                == StartMethod.Parameters(kind: "notify", options: [.interval: .seconds(0.1), .polls: .integer(10)])
        )
        for (written, seconds) in [("1.5s", 1.5), ("2m", 120.0), ("3", 3.0)] {
            let mixed = try parse(["start", "mixed", "--interval", written], as: StartCommand.self)
            #expect(mixed.parameters.options[.interval] == .seconds(seconds), "\(written)")
        }
    }

    @Test("start passes --batch and --reply as given; the daemon checks them")
    func startBatchAndReply() throws {
        let mmsg = try parse(
            ["start", "echo", "--backend", "mmsg", "--batch", "64", "--reply", "sockperf"],
            as: StartCommand.self
        )
        #expect(
            mmsg.parameters
                == StartMethod.Parameters(
                    kind: "echo",
                    options: [.backend: .text("mmsg"), .batch: .integer(64), .reply: .text("sockperf")]
                )
        )
    }

    @Test(
        "Bad input is a usage error (exit status 64)",
        arguments: [
            ["start"],
            ["start", "echo", "--queue", "x"],
            ["start", "multisocket", "--count", "many"],
            ["start", "mixed", "--interval", "soon"],
            ["start", "mixed", "--interval", "0"],
            ["stop"],
            ["stop", "echo", "--all"],
            ["restart"],
            ["log-level", "loud"],
            ["list", "--timeout", "0"],
            ["list", "--timeout", "soon"],
            ["stats", "--watch", "-1"],
            ["frobnicate"],
        ]
    )
    func rejects(arguments: [String]) {
        #expect {
            _ = try UdplabCtl.parseAsRoot(arguments)
        } throws: { error in
            UdplabCtl.exitCode(for: error) == .validationFailure
                && !UdplabCtl.oneLine(UdplabCtl.message(for: error)).contains("\n")
        }
    }

    @Test("A list of allowed values becomes one line")
    func oneLine() {
        let message =
            "The value 'loud' is invalid for '<level>'. Please provide one of the following:\n  - trace\n  - debug"
        #expect(
            UdplabCtl.oneLine(message)
                == "The value 'loud' is invalid for '<level>'. Please provide one of the following: trace, debug"
        )
    }

    @Test("stop takes names or --all")
    func stop() throws {
        let named = try parse(["stop", "a", "b"], as: StopCommand.self)
        #expect(named.parameters == StopMethod.Parameters(names: ["a", "b"]))
        let all = try parse(["stop", "--all"], as: StopCommand.self)
        #expect(all.parameters == StopMethod.Parameters(all: true))
    }

    @Test(
        "stats --watch takes an optional interval, before or after the names",
        arguments: [
            ([], [], nil),
            (["--watch"], [], 1.0),
            (["--watch", "2"], [], 2.0),
            (["--watch", "500ms", "echo"], ["echo"], 0.5),
            (["echo", "--watch"], ["echo"], 1.0),
            (["--watch", "echo", "idle"], ["echo", "idle"], 1.0),
            (["--watch=2m"], [], 120.0),
        ] as [([String], [String], Double?)]
    )
    func statsWatch(arguments: [String], names: [String], interval: Double?) throws {
        let command = try parse(["stats"] + arguments, as: StatsCommand.self)
        #expect(command.parameters == StatsMethod.Parameters(names: names.isEmpty ? nil : names, interval: interval))
    }

    @Test("Global options work before and after the command")
    func globalOptions() throws {
        let before = try parse(
            ["--json", "--socket", "/tmp/x.sock", "--timeout", "500ms", "list"],
            as: ListCommand.self
        )
        #expect(before.options.json)
        #expect(before.options.socketPath == "/tmp/x.sock")
        #expect(before.options.timeout == DurationArgument(.milliseconds(500)))
        let after = try parse(["status", "--json", "--timeout", "2m"], as: StatusCommand.self)
        #expect(after.options.json)
        #expect(after.options.timeout == DurationArgument(.seconds(120)))
        #expect(!after.options.socketPath.isEmpty)
        let defaults = try parse(["backends"], as: BackendsCommand.self)
        #expect(!defaults.options.json)
        #expect(defaults.options.timeout == DurationArgument(.seconds(5)))
    }

    @Test("The remaining commands parse")
    func others() throws {
        #expect(try parse(["restart", "echo"], as: RestartCommand.self).name == "echo")
        #expect(try parse(["log-level", "debug"], as: LogLevelCommand.self).level == .debug)
        _ = try parse(["reload"], as: ReloadCommand.self)
        #expect(try parse(["--version"], as: UdplabCtl.self).version)
    }

    @Test("--help lists every exit status and the completion scripts")
    func help() {
        let help = UdplabCtl.helpMessage(columns: 100)
        for status in ExitStatus.allCases {
            #expect(help.contains("  \(status.rawValue) "), "\(status)")
        }
        #expect(help.contains("--generate-completion-script bash|zsh|fish"))
    }

    @Test("Completion scripts are generated for bash, zsh and fish", arguments: ["bash", "zsh", "fish"])
    func completion(shell: String) throws {
        let script = UdplabCtl.completionScript(for: try #require(CompletionShell(rawValue: shell)))
        #expect(script.contains("udplabctl"))
        #expect(script.contains("log-level"))
        #expect(script.contains("reactor-edge"))
        #expect(script.contains("taskgroup"))
    }
}
