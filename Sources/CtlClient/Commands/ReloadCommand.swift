import ArgumentParser
import UDPLabProtocol

/// `udplabctl reload`: re-reads the config file and reconciles its engines (what
/// `systemctl reload udplabd` runs).
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Re-read the config file and start, stop or restart its engines; all or nothing."
    )

    @OptionGroup var options: GlobalOptions

    /// Sends Reload, which returns once the daemon has reconciled, and summarises the changes.
    func run() throws {
        try options.call(ReloadMethod.name, NoParameters(), as: ReloadMethod.Reply.self, text: ChangeSummary.reloaded)
    }
}
