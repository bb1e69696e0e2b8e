import ArgumentParser
import FoundationEssentials
import UDPLabOS
import UDPLabProtocol

/// `udplabd`: the udplab daemon (`serve`, the default), one foreground engine (`run`), and
/// `check-config`.
@main
struct Udplabd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "udplabd",
        abstract: "The udplab daemon: UDP echo engines on a chosen I/O model, and what each costs per datagram.",
        version: UDPLabVersion.current,
        subcommands: [ServeCommand.self, RunCommand.self, CheckConfigCommand.self],
        defaultSubcommand: ServeCommand.self
    )

    /// Parses and runs the command; a usage error is one line on stderr, not the whole usage text.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            guard code != .success, !(error is CleanExit) else { exit(withError: error) }
            if let code = error as? ExitCode {
                // The command has already said what went wrong.
                CurrentProcess.exit(code.rawValue)
            }
            if case let failure as CommandFailure = error {
                StandardError.write("udplabd: \(failure.message)\n")
                CurrentProcess.exit(failure.exitCode)
            }
            StandardError.write("udplabd: \(message(for: error))\n")
            CurrentProcess.exit(code.rawValue)
        }
    }
}

/// A failure a command reports with one line and its own exit code.
struct CommandFailure: Error {
    /// The line printed after `udplabd: `.
    let message: String
    /// The process's exit status.
    let exitCode: Int32
}

/// The version both binaries report.
enum UDPLabVersion {
    static let current = ControlProtocol.productVersion
}
