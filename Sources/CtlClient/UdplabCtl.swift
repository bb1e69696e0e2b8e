import ArgumentParser
import FoundationEssentials
import UDPLabOS
import UDPLabProtocol

/// `udplabctl`: starts, stops and observes the engines of a running udplabd over its varlink
/// control socket.
@main
struct UdplabCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "udplabctl",
        abstract: "Control udplabd: start, stop and observe its UDP engines.",
        discussion: """
            Every command takes -H, --socket, --json and --timeout. With -H HOST the calls go over ssh to the \
            udplabd on HOST (bench and bridge refuse -H), where the login user decides what is allowed. \
            With --json a command prints the parameters of the daemon's varlink reply as one line of JSON \
            (stats --watch: one line per reply).

            EXIT STATUS:
            \(ExitStatus.helpText)

            SHELL COMPLETION:
              udplabctl --generate-completion-script bash|zsh|fish prints the script, e.g.
              udplabctl --generate-completion-script bash >/etc/bash_completion.d/udplabctl
            """,
        subcommands: [
            StartCommand.self,
            StopCommand.self,
            RestartCommand.self,
            ListCommand.self,
            StatsCommand.self,
            BackendsCommand.self,
            StatusCommand.self,
            ReloadCommand.self,
            LogLevelCommand.self,
            BenchCommand.self,
            BridgeCommand.self,
        ]
    )

    @OptionGroup var options: GlobalOptions

    @Flag(help: "Show the version of udplabctl and of the udplabd it reaches, then exit.")
    var version = false

    /// Prints the versions; without `--version` there is nothing to do but show help.
    ///
    /// An unreachable daemon is reported, not an error: the client's version is still an answer.
    func run() throws {
        guard version else { throw CleanExit.helpRequest(self) }
        print("udplabctl \(ControlProtocol.productVersion)")
        do {
            var client = try options.connect()
            let info = try client.call(VarlinkService.getInfo, NoParameters(), as: VarlinkService.Info.self)
            print("udplabd \(info.value.version)")
        } catch {
            print("udplabd: not reachable (\(error.unreachableReason))")
        }
    }

    /// Parses and runs the command; every failure is one line on stderr and its own exit status
    /// (``ExitStatus``), usage errors included.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as ClientError {
            fail(error.description, status: ExitStatus(for: error).rawValue)
        } catch {
            let code = exitCode(for: error)
            guard code != .success, !(error is CleanExit) else { exit(withError: error) }
            fail(oneLine(message(for: error)), status: code.rawValue)
        }
    }

    /// `message` on one line: ArgumentParser puts each allowed value on a line of its own
    /// (`  - trace`), which becomes a comma-separated list.
    static func oneLine(_ message: String) -> String {
        let lines = message.split(separator: "\n").map { line in
            String(line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        }
        guard let first = lines.first, lines.count > 1 else { return message }
        let rest = lines.dropFirst().map { $0.hasPrefix("- ") ? String($0.dropFirst(2)) : $0 }
        return first + " " + rest.joined(separator: ", ")
    }

    /// Prints `udplabctl: message` on stderr and exits with `status`.
    private static func fail(_ message: String, status: Int32) -> Never {
        StandardError.write("udplabctl: \(message)\n")
        CurrentProcess.exit(status)
    }
}
