import ArgumentParser
import UDPLabProtocol

/// `udplabctl status`: the daemon's version, pid, uptime, paths and engine count.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the daemon's version, pid, uptime, engine count, paths and log level."
    )

    @OptionGroup var options: GlobalOptions

    /// Sends Status and prints one line per fact.
    func run() throws {
        try options.call(StatusMethod.name, NoParameters(), as: StatusMethod.Reply.self) { StatusView.text($0) }
    }
}
