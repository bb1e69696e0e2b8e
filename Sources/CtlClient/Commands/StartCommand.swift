import ArgumentParser
import UDPLabCommandLine
import UDPLabProtocol

/// `udplabctl start KIND`: starts an engine in the daemon (`io.udplab.Start`).
///
/// Options left out are left to the daemon's defaults, and the daemon checks every value, so a
/// newer daemon's kinds and backends work without a newer client.
struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start an engine; unless --transient, the daemon starts it again after a restart."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(
        help: ArgumentHelp("What the engine does (see `udplabctl backends`).", valueName: "kind"),
        completion: .list(EngineKind.allCases.map(\.rawValue))
    )
    var kind: String

    @Option(help: ArgumentHelp("The engine's name: 1–63 of A-Z a-z 0-9 _ . - (default: the kind).", valueName: "name"))
    var name: String?

    @OptionGroup(title: "Engine options") var engine: EngineArguments

    @Flag(help: "Do not save the engine: it is gone when the daemon restarts.")
    var transient = false

    /// The call's parameters; options left off are omitted.
    var parameters: StartMethod.Parameters {
        StartMethod.Parameters(name: name, kind: kind, options: engine.values, transient: transient ? true : nil)
    }

    /// Sends Start and confirms the engine with where it listens.
    func run() throws {
        try options.call(StartMethod.name, parameters, as: StartMethod.Reply.self) { ChangeSummary.started($0.engine) }
    }
}
