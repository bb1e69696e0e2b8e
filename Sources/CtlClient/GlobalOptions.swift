import ArgumentParser
import FoundationEssentials
import UDPLabOS
import UDPLabProtocol

/// The options every command takes: where the daemon is, how to print, how long to wait.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: [.customShort("H"), .customLong("host")],
        help: ArgumentHelp(
            "Reach the udplabd on another host over ssh -xT, as systemctl -H (ssh program: $UDPLAB_SSH, else ssh); it runs udplabctl bridge there, and --socket names the socket there.",
            valueName: "[user@]host[:port]"
        ),
        transform: RemoteHost.init(parsing:)
    )
    var host: RemoteHost?

    @Option(
        help: ArgumentHelp(
            "The control socket (default: $UDPLAB_SOCKET, else /run/udplabd.sock as root, else $XDG_RUNTIME_DIR/udplabd.sock).",
            valueName: "path"
        ),
        completion: .file()
    )
    var socket: String?

    @Flag(help: "Print the daemon's reply parameters as one line of JSON (keys sorted) instead of text.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "How long to wait for the daemon to accept the call and reply (with -H, ssh's login included): 5, 5s, 500ms, 2m. (default: \(Self.defaultTimeout))",
            valueName: "duration"
        ),
        transform: DurationArgument.init(parsing:)
    )
    var timeout = Self.defaultTimeout

    /// `--timeout` when not given. (With `transform:`, ArgumentParser does not show the default: the help says it.)
    static let defaultTimeout = DurationArgument(.seconds(5))

    /// The socket to connect to: `--socket`, else the rule daemon and client share — except that
    /// a user with no daemon of their own (no socket at their path, and no `$UDPLAB_SOCKET`)
    /// reaches the system daemon at `/run/udplabd.sock`, as members of group `udplab` want.
    var socketPath: String {
        if let socket { return socket }
        let environment = ProcessInfo.processInfo.environment
        let path = ControlProtocol.defaultSocketPath(environment: environment, isRoot: Accounts.currentUID == 0)
        let system = ControlProtocol.defaultSocketPath(environment: [:], isRoot: true)
        let files = FileManager.default
        if environment["UDPLAB_SOCKET"] == nil, !files.fileExists(atPath: path), files.fileExists(atPath: system) {
            return system
        }
        return path
    }

    /// Opens a connection to the daemon: its control socket, or with `-H` ssh to the host, where
    /// the socket is `--socket` when given, else the remote user's default.
    /// - Throws: ``ClientError/unreachable(socket:cause:)``, ``ClientError/sshFailed(host:reason:)``.
    func connect() throws(ClientError) -> ControlClient {
        if let host { return try ControlClient(remote: host, socket: socket, timeout: timeout) }
        return try ControlClient(socketPath: socketPath, timeout: timeout)
    }

    /// Calls `method` on a new connection and prints the reply: its JSON with `--json`, else `text`.
    ///
    /// - Parameters:
    ///   - method: the fully qualified method.
    ///   - parameters: the call's parameters.
    ///   - type: what the reply decodes to.
    ///   - text: the human form of the reply.
    /// - Throws: ``ClientError``.
    func call<Parameters: Encodable, Value: Decodable>(
        _ method: String,
        _ parameters: Parameters,
        as type: Value.Type,
        text: (Value) -> String
    ) throws(ClientError) {
        var client = try connect()
        let reply = try client.call(method, parameters, as: type)
        print(json ? JSONLine.text(of: reply.parameters) : text(reply.value))
    }
}
