import ArgumentParser
import Testing
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol

@testable import Daemon

/// `udplabd run --interval` reads the command-line grammar as `udplabctl start --interval` does;
/// the config file reads its own form (a whole number and a unit, or a TOML number of seconds).
@Suite("Daemon duration options")
struct DaemonDurationTests {
    /// The interval `udplabd run mixed --interval text` would start with, or the message and exit
    /// status it fails with.
    private func runInterval(_ text: String) -> Result<Double?, CommandFailure> {
        do {
            let command = try RunCommand.parse(["mixed", "--interval=\(text)"])
            return .success(try command.options.spec(kind: .mixed).interval)
        } catch let failure as CommandFailure {
            return .failure(failure)
        } catch {
            return .failure(
                CommandFailure(
                    message: RunCommand.message(for: error),
                    exitCode: RunCommand.exitCode(for: error).rawValue
                )
            )
        }
    }

    @Test(
        "run --interval takes what udplabctl start --interval takes, in seconds",
        arguments: [
            ("5", 5.0), ("5s", 5.0), ("500ms", 0.5), ("1.5s", 1.5), ("2m", 120.0), ("0.25", 0.25), ("300ms", 0.3),
        ]
    )
    func runAccepts(text: String, seconds: Double) throws {
        #expect(try runInterval(text).get() == seconds)
    }

    @Test(
        "run --interval refuses what is not a command-line duration, with one line",
        arguments: ["soon", "-1", "+5", "1e-2", "0x10", ".5", "5.", "5 s", "5h", "nan", "inf"]
    )
    func runRefuses(text: String) {
        guard case .failure(let failure) = runInterval(text) else {
            Issue.record("accepted --interval \(text)")
            return
        }
        #expect(
            failure.message.contains("'\(text)' is invalid for '--interval <duration>': write a duration such as"),
            "\(failure.message)"
        )
        #expect(!failure.message.contains("\n"))
        #expect(failure.exitCode == 64)
    }

    @Test("run --interval out of the spec's range says so", arguments: ["0", "5ms", "0.009", "61m", "3601"])
    func runOutOfRange(text: String) {
        guard case .failure(let failure) = runInterval(text) else {
            Issue.record("accepted --interval \(text)")
            return
        }
        #expect(failure.message.contains("use 10ms to 1h"), "\(failure.message)")
        #expect(failure.exitCode == 64)
    }

    @Test(
        "A config file's interval string is a whole number and a unit; the same time as on the command line",
        arguments: [("\"500ms\"", 0.5), ("\"3s\"", 3.0), ("\"2m\"", 120.0), ("\"1h\"", 3600.0), ("\"300ms\"", 0.3)]
    )
    func configInterval(written: String, seconds: Double) throws {
        let config = try DaemonConfig.parse("[[engine]]\nkind = \"mixed\"\ninterval = \(written)\n", source: "t.toml")
        #expect(config.engines.first?.spec.interval == seconds)
    }
}
