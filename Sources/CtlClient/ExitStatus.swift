import UDPLabProtocol

/// The exit status of `udplabctl`, one per class of error: the one table scripts can rely on.
///
/// The values follow `sysexits.h` where one fits (64 usage, 65 bad data, 69 unavailable,
/// 73 cannot create an output file, 76 protocol, 77 permission) and use the free values in between for the daemon's own errors.
/// ``UdplabCtl`` prints ``helpText`` in its `--help`.
enum ExitStatus: Int32, CaseIterable, Sendable {
    case success = 0
    case usage = 64
    case invalidSpec = 65
    case engineNotFound = 66
    case engineExists = 67
    case addressInUse = 68
    case unreachable = 69
    case backendUnavailable = 70
    case limitReached = 71
    case cannotCreate = 73
    case protocolFailure = 76
    case permissionDenied = 77

    /// What the status means, for `--help`.
    var meaning: String {
        switch self {
        case .success: "success"
        case .usage: "usage: unknown command or option, bad value"
        case .invalidSpec: "invalid engine option or config file (InvalidSpec, InvalidParameter)"
        case .engineNotFound: "no engine by that name (EngineNotFound)"
        case .engineExists: "an engine by that name exists already (EngineExists)"
        case .addressInUse: "the engine's address is in use (AddressInUse)"
        case .unreachable: "udplabd not reachable: no socket, refused, lost, timed out, ssh failed"
        case .backendUnavailable: "the backend cannot run on this host (BackendUnavailable)"
        case .limitReached: "too many clients, engines or engine sockets (LimitReached)"
        case .cannotCreate: "an output file cannot be created or written (bench --hgrm)"
        case .protocolFailure: "protocol error, unexpected reply, internal error in the daemon"
        case .permissionDenied: "needs root, the daemon's user or group udplab (PermissionDenied)"
        }
    }

    /// The status for an error the daemon replied with.
    init(for error: ControlError) {
        switch error {
        case .invalidSpec, .invalidParameter: self = .invalidSpec
        case .engineNotFound: self = .engineNotFound
        case .engineExists: self = .engineExists
        case .addressInUse: self = .addressInUse
        case .backendUnavailable: self = .backendUnavailable
        case .limitReached: self = .limitReached
        case .permissionDenied: self = .permissionDenied
        case .protocolError, .internalError, .methodNotFound, .interfaceNotFound, .other: self = .protocolFailure
        }
    }

    /// The status for any failure of a command that talked to the daemon.
    ///
    /// A socket file this user may not open counts as permission denied, like the daemon's own
    /// refusal: both are fixed by running as an admin.
    init(for error: ClientError) {
        switch error {
        case .daemon(let error): self.init(for: error)
        case .unreachable(_, let cause) where cause.isPermissionDenied: self = .permissionDenied
        case .unreachable, .timedOut, .disconnected, .sshFailed, .bridgeNotFound: self = .unreachable
        case .bridgeFailed(_, let status, _) where status == Self.permissionDenied.rawValue: self = .permissionDenied
        case .bridgeFailed: self = .unreachable
        }
    }

    /// The table for `--help`: one line per status, each short enough not to wrap at 80 columns.
    static var helpText: String {
        allCases.map { "  \(String($0.rawValue).padded(toLength: 4))\($0.meaning)" }
            .joined(separator: "\n")
    }
}
