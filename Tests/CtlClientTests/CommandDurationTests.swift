import ArgumentParser
import Testing
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol

@testable import CtlClient

/// Every duration option of `udplabctl` reads the one command-line grammar
/// (`DurationSyntax.commandLine`) and accepts and refuses the same texts: `--timeout`,
/// `stats --watch`, `start --interval`, and bench's `--duration`, `--reply-timeout` and
/// (with zero besides) `--warmup`.
@Suite("Duration options")
struct CommandDurationTests {
    /// Texts every option takes, with what they mean.
    static let accepted: [(String, Duration)] = [
        ("5", .seconds(5)), ("5s", .seconds(5)), ("500ms", .milliseconds(500)), ("1.5s", .milliseconds(1500)),
        ("2m", .seconds(120)), ("0.25", .milliseconds(250)), ("1440m", .seconds(86_400)),
    ]

    /// Texts no option takes: not of the form, or (zero aside) not positive or beyond a day.
    static let refused = [
        "soon", "", "-1", "-1s", "+5", "1e3", "0x10", ".5", "5.", "5 s", "5h", "nan", "inf", "86401", "1441m",
        "99999999999999999999999",
    ]

    /// The seconds each option ends up with for `text`, or `nil` when parsing refuses it.
    static func parsedSeconds(_ text: String) -> [String: Double?] {
        func attempt(_ arguments: [String], _ read: (any ParsableCommand) -> Double?) -> Double? {
            guard let command = try? UdplabCtl.parseAsRoot(arguments) else { return nil }
            return read(command)
        }
        let target = "127.0.0.1:9"
        return [
            "--timeout": attempt(["list", "--timeout", text]) { ($0 as? ListCommand)?.options.timeout.seconds },
            "stats --watch": attempt(["stats", "--watch=\(text)"]) { ($0 as? StatsCommand)?.parameters.interval },
            "start --interval": attempt(["start", "mixed", "--interval", text]) {
                ($0 as? StartCommand)?.parameters.options[.interval]?.seconds
            },
            "bench --duration": attempt(["bench", target, "--duration", text]) {
                try? ($0 as? BenchCommand)?.benchConfiguration.duration.seconds
            },
            "bench --reply-timeout": attempt(["bench", target, "--reply-timeout", text]) {
                try? ($0 as? BenchCommand)?.benchConfiguration.replyTimeout.seconds
            },
            "bench --warmup": attempt(["bench", target, "--warmup", text]) {
                try? ($0 as? BenchCommand)?.benchConfiguration.warmup.seconds
            },
        ]
    }

    @Test("Every option reads the same texts as the same time", arguments: accepted)
    func accepts(text: String, duration: Duration) {
        for (option, seconds) in Self.parsedSeconds(text) {
            // `start --interval` refuses, as `udplabd run` does, what its range (10ms to 1h) leaves out.
            if option == "start --interval", !(EngineOption.interval.secondsRange?.contains(duration.seconds) ?? false)
            {
                #expect(seconds == nil, "\(option) \(text)")
                continue
            }
            #expect(seconds == duration.seconds, "\(option) \(text)")
        }
    }

    /// Whether `option` refused `text`: it failed, or (`stats --watch`, whose value is optional)
    /// it ignored it and took its flag default, 1s, as ArgumentParser's `defaultAsFlag` does.
    static func refused(_ seconds: Double?, by option: String) -> Bool {
        seconds == nil || (option == "stats --watch" && seconds == 1)
    }

    @Test("Every option refuses the same texts, as a usage error", arguments: refused)
    func refuses(text: String) {
        for (option, seconds) in Self.parsedSeconds(text) {
            #expect(Self.refused(seconds, by: option), "\(option) \(text)")
        }
        #expect {
            _ = try UdplabCtl.parseAsRoot(["list", "--timeout", text])
        } throws: { error in
            UdplabCtl.exitCode(for: error) == .validationFailure
        }
    }

    @Test("Zero is no warm-up for --warmup, and refused by every other option", arguments: ["0", "0s", "0ms", "0.0"])
    func zero(text: String) {
        let parsed = Self.parsedSeconds(text)
        #expect(parsed["bench --warmup"] == .some(0))
        for (option, seconds) in parsed where option != "bench --warmup" {
            #expect(Self.refused(seconds, by: option), "\(option) \(text)")
        }
    }

    @Test(
        "A refused value says why, on one line",
        arguments: [
            (
                ["list", "--timeout", "5h"],
                "'5h' is invalid for '--timeout <duration>': write a duration such as 5, 500ms"
            ),
            (
                ["list", "--timeout", "0"],
                "'0' is invalid for '--timeout <duration>': use more than 0 and at most 1440m"
            ),
            (
                ["start", "mixed", "--interval", "soon"],
                "'soon' is invalid for '--interval <duration>': write a duration"
            ),
            (
                ["bench", "127.0.0.1:9", "--duration", "1441m"],
                "'1441m' is invalid for '--duration <duration>': use more"
            ),
            (
                ["bench", "127.0.0.1:9", "--reply-timeout", "1e3"],
                "--reply-timeout <duration>': write a duration such as"
            ),
            (
                ["bench", "127.0.0.1:9", "--warmup=-1s"],
                "'-1s' is invalid for '--warmup <duration>': write a duration such as"
            ),
            (
                ["bench", "127.0.0.1:9", "--warmup", "2000m"],
                "'2000m' is invalid for '--warmup <duration>': use 0 to 1440m"
            ),
        ]
    )
    func reasons(arguments: [String], message: String) {
        do {
            _ = try UdplabCtl.parseAsRoot(arguments)
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(UdplabCtl.exitCode(for: error) == .validationFailure)
            let text = UdplabCtl.oneLine(UdplabCtl.message(for: error))
            #expect(text.contains(message), "\(text)")
            #expect(!text.contains("\n"))
        }
    }
}
