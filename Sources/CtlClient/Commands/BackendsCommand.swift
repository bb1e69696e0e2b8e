import ArgumentParser
import UDPLabProtocol

/// `udplabctl backends`: the I/O models, engine kinds and multisocket strategies the daemon can run.
struct BackendsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backends",
        abstract:
            "List the I/O models (--backend), engine kinds and multisocket strategies (--strategy) the daemon can run."
    )

    @OptionGroup var options: GlobalOptions

    /// Sends Backends and prints the backends, kinds and strategies as tables.
    func run() throws {
        try options.call(BackendsMethod.name, NoParameters(), as: BackendsMethod.Reply.self, text: BackendsView.text)
    }
}
