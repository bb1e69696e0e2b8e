import FoundationEssentials
import UDPLabOS

/// The `ssh` child of `udplabctl -H`: it runs `udplabctl bridge` on the remote host, whose stdin
/// and stdout ssh connects to this process's end of a socket pair, so the varlink frames travel
/// as they would on the control socket.
///
/// The command line is an argument vector handed to `posix_spawnp(3)`, never a local shell's
/// string; ssh's config (`~/.ssh/config`, keys, agents, `ProxyJump`) applies as to any ssh.
/// When the connection ends before a reply, ssh's exit status and stderr tell whose failure it
/// was (``explain(_:)``).
struct SSHTunnel {
    /// Where ssh connects to.
    let host: RemoteHost
    /// The running ssh.
    private let process: Subprocess

    /// The ssh program: `$UDPLAB_SSH` (as `$SYSTEMD_SSH` is for `systemctl -H`), else `ssh`,
    /// looked up in `PATH` unless it has a `/`.
    static var program: String {
        ProcessInfo.processInfo.environment["UDPLAB_SSH"].flatMap { $0.isEmpty ? nil : $0 } ?? "ssh"
    }

    /// Starts ssh to `host`, its stdin and stdout connected to `standardIO`.
    ///
    /// - Parameter socket: `--socket` as given, passed on to the remote bridge; `nil` leaves the
    ///   choice to the remote user's default, as `udplabctl` run there would.
    /// - Throws: ``ClientError/sshFailed(host:reason:)`` when ssh cannot be started.
    init(host: RemoteHost, socket: String?, standardIO: borrowing UnixStreamSocket) throws(ClientError) {
        self.host = host
        let program = Self.program
        do {
            let command = host.sshArguments(remoteCommand: Self.bridgeCommand(socket: socket))
            process = try Subprocess(program: program, arguments: command, standardIO: standardIO)
        } catch {
            throw .sshFailed(host: host.text, reason: "cannot run \(program): \(error.reason)")
        }
    }

    /// The remote command: `udplabctl bridge`, with `--socket=PATH` quoted for the remote shell
    /// (ssh hands the remote user's shell one line; one `=` word, so a path starting with `-`
    /// stays the option's value).
    static func bridgeCommand(socket: String?) -> [String] {
        ["udplabctl", "bridge"] + (socket.map { ["--socket=" + shellWord($0)] } ?? [])
    }

    /// `word` as one word of a POSIX shell: itself when it has only characters no shell treats
    /// specially, else in single quotes (a `'` inside becomes `'\''`).
    static func shellWord(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { Self.plainCharacters.contains($0) }
        return plain ? word : "'" + word.replacing("'", with: "'\\''") + "'"
    }

    private static let plainCharacters = Set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-".unicodeScalars
    )

    /// What `error` means once ssh is asked: a connection that ended (or broke) before the reply
    /// ended because ssh or the bridge did; their exit status says which.
    ///
    /// ssh exits 255 for its own failures (no route, refused, host key, authentication); a
    /// remote shell 127 for a command it cannot find; the bridge with udplabctl's own statuses
    /// (69: no daemon at the remote socket, 77: not allowed to open it). A call that timed out
    /// while ssh had something to say (still connecting, a password prompt) says it too. Any other
    /// error, and a clean exit (the daemon closed the connection), stays as it was.
    func explain(_ error: ClientError) -> ClientError {
        switch error {
        case .disconnected: break
        case .timedOut:
            // Still connecting, or asking for a password nobody types: what ssh said so far.
            let message = Self.oneLine(process.readErrorOutput())
            guard !message.isEmpty else { return error }
            return .sshFailed(host: host.text, reason: "no reply in time; ssh said: \(message)")
        default: return error
        }
        guard let end = process.wait(timeout: .seconds(5)) else {
            return .sshFailed(host: host.text, reason: "the connection ended, but ssh did not exit within 5 s")
        }
        let message = Self.oneLine(process.readErrorOutput())
        switch end {
        case .exited(0): return error
        case .exited(255): return .sshFailed(host: host.text, reason: message.isEmpty ? "exit status 255" : message)
        case .exited(127): return .bridgeNotFound(host: host.text, reason: message)
        case .exited(let status): return .bridgeFailed(host: host.text, status: status, reason: message)
        case .killed(let signal): return .sshFailed(host: host.text, reason: "ssh was killed by \(signal)")
        case .unknown: return error
        }
    }

    /// stderr's lines as one, without the remote udplabctl's own `udplabctl: ` prefix.
    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline)
            .map { line in
                let trimmed = line.trimmingPrefix("udplabctl: ")
                return String(trimmed.drop(while: \.isWhitespace))
            }
            .filter { !$0.isEmpty }
            .joined(separator: "; ")
    }
}
