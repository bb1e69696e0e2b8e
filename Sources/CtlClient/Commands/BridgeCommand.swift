import ArgumentParser
import UDPLabOS

/// `udplabctl bridge`: connects stdin and stdout to the daemon's control socket, the remote end of
/// `udplabctl -H` (as `systemd-stdio-bridge` is for `systemctl -H`).
///
/// The daemon authorizes the bridge's own connection from its `SO_PEERCRED`, so the user ssh
/// logged in as is admin or observer exactly as when running udplabctl on that host.
struct BridgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bridge",
        abstract: "Connect stdin and stdout to the control socket (what -H runs on the remote host over ssh).",
        discussion: """
            Copies bytes both ways until either side closes. The socket is --socket, else the default every \
            command uses. The daemon sees the bridge's user, so a remote login as root or a member of group \
            udplab may start and stop engines and anyone else may observe, as on that host itself.
            """
    )

    @OptionGroup var options: GlobalOptions

    /// A bridge to another host's bridge would only stack two ssh hops that `ssh -J` does better.
    func validate() throws {
        guard options.host == nil else { throw ValidationError("bridge runs on the daemon's host: -H does not apply") }
    }

    /// Connects, then relays until one side closes.
    /// - Throws: ``ClientError/unreachable(socket:cause:)`` (exit 69 or 77), or a relay failure
    ///   as ``ClientError/disconnected(socket:cause:)``.
    func run() throws {
        let socketPath = options.socketPath
        let socket: UnixStreamSocket
        do {
            socket = try UnixStreamSocket.connect(path: socketPath)
        } catch {
            throw ClientError.unreachable(socket: socketPath, cause: error)
        }
        do {
            try socket.relayStandardStreams()
        } catch {
            throw ClientError.disconnected(socket: socketPath, cause: error)
        }
    }
}
