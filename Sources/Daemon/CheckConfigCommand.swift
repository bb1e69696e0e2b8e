import ArgumentParser
import FoundationEssentials
import UDPLabOS
import UDPLabProtocol

/// `udplabd check-config`: validates a config file as the daemon and `reload` would, without
/// starting anything, and prints every problem with its line.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a config file and print every problem with its line.",
        discussion: """
            Without --config, checks \(DaemonConfig.defaultPath), or the embedded default if that file does not exist. \
            A valid file prints one line naming its engines and exits 0; otherwise each problem is printed on \
            stderr as PATH:LINE: message and the exit status is 65.
            """
    )

    /// The file to check; `nil` for the daemon's default.
    @Option(
        help: ArgumentHelp("The config file to check (default \(DaemonConfig.defaultPath)).", valueName: "path")
    )
    var config: String?

    /// Checks the file and prints the summary, or every problem on stderr.
    /// - Throws: `ExitCode(65)` when the file has problems or cannot be read.
    func run() throws {
        let source: String
        let parsed: DaemonConfig
        do {
            (source, parsed) = try load()
        } catch {
            StandardError.write("\(error.description)\n")
            throw ExitCode(65)
        }
        print(Self.summary(of: parsed, source: source))
    }

    /// Loads what the daemon would (``ConfigLocation``), saying so when that is the embedded
    /// default.
    /// - Returns: the name of what was checked, and the config.
    /// - Throws: ``ConfigError`` with every problem.
    private func load() throws(ConfigError) -> (source: String, config: DaemonConfig) {
        let location = ConfigLocation(explicitPath: config)
        if location == .embeddedDefault {
            print("\(DaemonConfig.defaultPath) does not exist: checking the embedded default")
        }
        return (location.source, try location.load())
    }

    /// The success line: `PATH: ok, 1 engine (echo: echo reactor-edge 127.0.0.1:2000)`.
    static func summary(of config: DaemonConfig, source: String) -> String {
        let count = config.engines.count
        let noun = count == 1 ? "engine" : "engines"
        guard count > 0 else { return "\(source): ok, 0 engines" }
        let engines = config.engines.map { engine in
            "\(engine.name): \(engine.spec.kind.rawValue) \(engine.spec.backend.rawValue) \(engine.spec.bind)"
        }
        return "\(source): ok, \(count) \(noun) (\(engines.joined(separator: ", ")))"
    }
}
