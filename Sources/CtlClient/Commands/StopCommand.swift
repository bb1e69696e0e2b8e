import ArgumentParser
import UDPLabProtocol

/// `udplabctl stop NAME…|--all`: stops engines; their sockets are closed when it returns.
struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop engines by name, or all of them; replies once their sockets are closed."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The engines to stop.", valueName: "name"))
    var names: [String] = []

    @Flag(help: "Stop every engine.")
    var all = false

    /// Requires exactly one of: engine names, `--all`.
    func validate() throws {
        if all && !names.isEmpty { throw ValidationError("give engine names or --all, not both") }
        if !all && names.isEmpty { throw ValidationError("name the engines to stop, or use --all") }
    }

    /// The call's parameters: the names, or `all`.
    var parameters: StopMethod.Parameters {
        all ? StopMethod.Parameters(all: true) : StopMethod.Parameters(names: names)
    }

    /// Sends Stop and names the engines stopped.
    func run() throws {
        try options.call(StopMethod.name, parameters, as: StopMethod.Reply.self) { ChangeSummary.stopped($0.stopped) }
    }
}
