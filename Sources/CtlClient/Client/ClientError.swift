import FoundationEssentials
import UDPLabOS
import UDPLabProtocol

/// Why a command that talks to udplabd failed: the daemon was out of reach, or it said no.
///
/// ``ExitStatus`` turns each case into the process's exit status.
enum ClientError: Error, Equatable, CustomStringConvertible {
    /// Connecting to the control socket failed (`ENOENT`, `ECONNREFUSED`, `EACCES`, …).
    case unreachable(socket: String, cause: SystemError)
    /// No complete reply arrived within the timeout.
    case timedOut(socket: String, after: DurationArgument)
    /// The daemon closed the connection (or it broke) before its reply.
    case disconnected(socket: String, cause: SystemError?)
    /// The daemon replied with an error, or with something that is not a valid reply
    /// (``ControlError/protocolError(reason:)``).
    case daemon(ControlError)
    /// `-H`: ssh could not be started, could not connect or log in (its exit status 255, its
    /// message), or was killed.
    case sshFailed(host: String, reason: String)
    /// `-H`: the remote shell found no `udplabctl` to run as the bridge (exit status 127).
    case bridgeNotFound(host: String, reason: String)
    /// `-H`: `udplabctl bridge` on the remote host failed with `status` (its message), e.g. there
    /// is no daemon at the remote socket.
    case bridgeFailed(host: String, status: Int32, reason: String)

    /// One line for stderr, after `udplabctl: `.
    var description: String {
        switch self {
        case .unreachable(let socket, let cause): "cannot reach udplabd at \(socket): \(Self.explain(cause))"
        case .timedOut(let socket, let timeout): "no reply from udplabd at \(socket) within \(timeout)"
        case .disconnected(let socket, nil): "udplabd at \(socket) closed the connection before replying"
        case .disconnected(let socket, let cause?): "lost the connection to udplabd at \(socket): \(cause)"
        case .daemon(let error): error.description
        case .sshFailed(let host, let reason): "ssh to \(host) failed: \(reason)"
        case .bridgeNotFound(let host, let reason):
            "no udplabctl to run on \(host) (ssh's remote command: \(reason)); install udplab there or put it on PATH"
        case .bridgeFailed(let host, _, let reason): "on \(host): \(reason)"
        }
    }

    /// Why the daemon is not reachable, in a few words for `--version`.
    var unreachableReason: String {
        switch self {
        case .unreachable(let socket, let cause): "\(Self.explain(cause, hint: false)): \(socket)"
        default: description
        }
    }

    /// What a failed connect means to someone running udplabctl.
    /// - Parameters:
    ///   - cause: the error of `connect(2)` (or of building the address).
    ///   - hint: whether to suggest that the daemon is not running, where that is the likely cause.
    private static func explain(_ cause: SystemError, hint: Bool = true) -> String {
        let suffix = hint ? " (is udplabd running?)" : ""
        switch cause.code {
        case Errno.noSuchFile: return "no such socket" + suffix
        case Errno.connectionRefused: return "connection refused" + suffix
        case Errno.accessDenied, Errno.notPermitted: return "permission denied"
        case Errno.nameTooLong: return "the socket path is too long"
        default: return cause.reason
        }
    }
}
