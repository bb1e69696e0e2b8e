import ArgumentParser
import Foundation

/// `udplabd`: the udplab daemon. For now it runs one engine in the foreground (`udplabd run`).
@main
struct Udplabd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "udplabd",
        abstract: "The udplab daemon: UDP echo engines on a chosen I/O model, and what each costs per datagram.",
        version: UDPLabVersion.current,
        subcommands: [RunCommand.self]
    )

    /// Parses and runs the command; a usage error is one line on stderr, not the whole usage text.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            guard code != .success, !(error is CleanExit) else { exit(withError: error) }
            if case let failure as CommandFailure = error {
                FileHandle.standardError.write(Data("udplabd: \(failure.message)\n".utf8))
                Foundation.exit(failure.exitCode)
            }
            FileHandle.standardError.write(Data("udplabd: \(message(for: error))\n".utf8))
            Foundation.exit(code.rawValue)
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
    static let current = "0.1.0"
}
