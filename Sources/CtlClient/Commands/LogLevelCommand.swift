import ArgumentParser
import UDPLabProtocol

/// `udplabctl log-level LEVEL`: changes the daemon's log level until it restarts.
struct LogLevelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-level",
        abstract: "Change the daemon's log level until it restarts."
    )

    /// The levels the daemon knows, from most to least verbose.
    enum Level: String, CaseIterable, ExpressibleByArgument {
        case trace
        case debug
        case info
        case notice
        case warning
        case error
        case critical
    }

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The new level.", valueName: "level"))
    var level: Level

    /// Sends SetLogLevel and confirms the new level.
    func run() throws {
        try options.call(
            SetLogLevelMethod.name,
            SetLogLevelMethod.Parameters(level: level.rawValue),
            as: NoParameters.self
        ) { _ in
            "log level set to \(level.rawValue)"
        }
    }
}
