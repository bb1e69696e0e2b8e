import ArgumentParser
import UDPLabCore

/// `udplabctl backends`: the I/O models and engine kinds the daemon can run.
struct BackendsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backends",
        abstract: "List the I/O models (--backend) and engine kinds the daemon can run."
    )

    @OptionGroup var options: GlobalOptions

    /// Sends Backends and prints the backends and kinds as tables.
    func run() throws {
        try options.call(BackendsMethod.name, NoParameters(), as: BackendsMethod.Reply.self, text: BackendsView.text)
    }
}
