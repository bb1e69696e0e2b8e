import UDPLabOS

/// Why an engine could not start or stopped with an error.
public enum EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The spec asks for something impossible; the text says what and how to fix it.
    case invalidSpec(String)
    /// Another socket is bound to the address.
    case addressInUse(SocketAddress)
    /// The host refused something the engine needed, e.g. a port below 1024 without privilege.
    case permissionDenied(String)
    /// The backend cannot run on this host (e.g. io_uring is disabled); the reason says why.
    case backendUnavailable(Backend, reason: String)
    /// Any other system failure, naming the call.
    case system(SystemError)

    public var description: String {
        switch self {
        case .invalidSpec(let reason): reason
        case .addressInUse(let address): "address \(address) is already in use"
        case .permissionDenied(let reason): reason
        case .backendUnavailable(let backend, let reason):
            "backend \(backend.rawValue) is not available here: \(reason)"
        case .system(let error): error.description
        }
    }
}
