import ArgumentParser
import UDPLabProtocol

/// `udplabctl restart NAME`: stops an engine and starts it again with the same spec, in the
/// daemon (`io.udplab.Restart`), so it keeps its origin: a config engine stays a config engine.
struct RestartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Stop an engine and start it again with the same options (its counters start from zero)."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The engine to restart.", valueName: "name"))
    var name: String

    /// Asks the daemon to restart the engine and reports the new one.
    func run() throws {
        var client = try options.connect()
        let restarted = try client.call(
            RestartMethod.name,
            RestartMethod.Parameters(name: name),
            as: RestartMethod.Reply.self
        )
        print(
            options.json
                ? JSONLine.text(of: restarted.parameters)
                : "restarted \(name): " + ChangeSummary.started(restarted.value.engine)
        )
    }
}
