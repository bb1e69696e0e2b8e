/// An error on the wire: its varlink name and typed parameters. Names stay stable once shipped.
public enum ControlError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `io.udplab.EngineNotFound {name}`.
    case engineNotFound(name: String)
    /// `io.udplab.EngineExists {name}`: the name is taken (by a config or a runtime engine).
    case engineExists(name: String)
    /// `io.udplab.InvalidSpec {reason}`: a start option or a config file is wrong.
    case invalidSpec(reason: String)
    /// `io.udplab.AddressInUse {address, engine?}`: `engine` names the daemon's engine that holds
    /// the address; without it, another process does.
    case addressInUse(address: String, engine: String? = nil)
    /// `io.udplab.BackendUnavailable {backend, reason}`: the backend cannot run on this host.
    case backendUnavailable(backend: String, reason: String)
    /// `io.udplab.PermissionDenied {method}`: the peer may only call read-only methods.
    case permissionDenied(method: String)
    /// `io.udplab.LimitReached {limit, maximum}`: clients, engines or engine sockets.
    case limitReached(limit: String, maximum: Int)
    /// `io.udplab.ProtocolError {reason}`: the frame is not a varlink call (the connection is then closed).
    case protocolError(reason: String)
    /// `io.udplab.InternalError {reason}`: the daemon failed to do what it should have managed.
    case internalError(reason: String)
    /// `org.varlink.service.MethodNotFound {method}`.
    case methodNotFound(method: String)
    /// `org.varlink.service.InterfaceNotFound {interface}`.
    case interfaceNotFound(interface: String)
    /// `org.varlink.service.InvalidParameter {parameter}`, naming the top-level field, and (an
    /// udplab addition that clients of the standard interface ignore) `reason`: what the field
    /// must be, its range included.
    case invalidParameter(parameter: String, reason: String? = nil)
    /// Any other error name a reply carried (a client meets it from a newer daemon).
    case other(name: String, parameters: [String: String])

    /// The varlink error name.
    public var name: String {
        switch self {
        case .engineNotFound: "io.udplab.EngineNotFound"
        case .engineExists: "io.udplab.EngineExists"
        case .invalidSpec: "io.udplab.InvalidSpec"
        case .addressInUse: "io.udplab.AddressInUse"
        case .backendUnavailable: "io.udplab.BackendUnavailable"
        case .permissionDenied: "io.udplab.PermissionDenied"
        case .limitReached: "io.udplab.LimitReached"
        case .protocolError: "io.udplab.ProtocolError"
        case .internalError: "io.udplab.InternalError"
        case .methodNotFound: "org.varlink.service.MethodNotFound"
        case .interfaceNotFound: "org.varlink.service.InterfaceNotFound"
        case .invalidParameter: "org.varlink.service.InvalidParameter"
        case .other(let name, _): name
        }
    }

    /// The error's parameters, as they go on the wire.
    public var parameters: [String: ParameterValue] {
        switch self {
        case .engineNotFound(let name), .engineExists(let name): ["name": .string(name)]
        case .invalidSpec(let reason), .protocolError(let reason), .internalError(let reason):
            ["reason": .string(reason)]
        case .addressInUse(let address, let engine):
            engine.map { ["address": .string(address), "engine": .string($0)] } ?? ["address": .string(address)]
        case .backendUnavailable(let backend, let reason): ["backend": .string(backend), "reason": .string(reason)]
        case .permissionDenied(let method): ["method": .string(method)]
        case .limitReached(let limit, let maximum): ["limit": .string(limit), "maximum": .integer(maximum)]
        case .methodNotFound(let method): ["method": .string(method)]
        case .interfaceNotFound(let interface): ["interface": .string(interface)]
        case .invalidParameter(let parameter, nil): ["parameter": .string(parameter)]
        case .invalidParameter(let parameter, let reason?):
            ["parameter": .string(parameter), "reason": .string(reason)]
        case .other(_, let parameters): parameters.mapValues { .string($0) }
        }
    }

    /// Rebuilds an error from a reply's name and parameters.
    public init(name: String, parameters: [String: ParameterValue]) {
        func text(_ key: String) -> String { parameters[key]?.text ?? "" }
        switch name {
        case "io.udplab.EngineNotFound": self = .engineNotFound(name: text("name"))
        case "io.udplab.EngineExists": self = .engineExists(name: text("name"))
        case "io.udplab.InvalidSpec": self = .invalidSpec(reason: text("reason"))
        case "io.udplab.AddressInUse":
            self = .addressInUse(address: text("address"), engine: parameters["engine"]?.text)
        case "io.udplab.BackendUnavailable":
            self = .backendUnavailable(backend: text("backend"), reason: text("reason"))
        case "io.udplab.PermissionDenied": self = .permissionDenied(method: text("method"))
        case "io.udplab.LimitReached": self = .limitReached(limit: text("limit"), maximum: Int(text("maximum")) ?? 0)
        case "io.udplab.ProtocolError": self = .protocolError(reason: text("reason"))
        case "io.udplab.InternalError": self = .internalError(reason: text("reason"))
        case "org.varlink.service.MethodNotFound": self = .methodNotFound(method: text("method"))
        case "org.varlink.service.InterfaceNotFound": self = .interfaceNotFound(interface: text("interface"))
        case "org.varlink.service.InvalidParameter":
            self = .invalidParameter(parameter: text("parameter"), reason: parameters["reason"]?.text)
        default: self = .other(name: name, parameters: parameters.mapValues(\.text))
        }
    }

    public var description: String {
        switch self {
        case .engineNotFound(let name): "no engine named '\(name)'"
        case .engineExists(let name): "an engine named '\(name)' already exists"
        case .invalidSpec(let reason): reason
        case .addressInUse(let address, let engine?): "address \(address) is already in use by engine '\(engine)'"
        case .addressInUse(let address, nil): "address \(address) is already in use by another process"
        case .backendUnavailable(let backend, let reason): "backend \(backend) is not available here: \(reason)"
        case .permissionDenied(let method): "permission denied: \(method) needs root, the daemon's user or group udplab"
        case .limitReached(let limit, let maximum): "limit reached: at most \(maximum) \(limit)"
        case .protocolError(let reason): "protocol error: \(reason)"
        case .internalError(let reason): "internal error: \(reason)"
        case .methodNotFound(let method): "the daemon has no method \(method)"
        case .interfaceNotFound(let interface): "the daemon has no interface \(interface)"
        case .invalidParameter(let parameter, nil): "invalid parameter '\(parameter)'"
        case .invalidParameter(_, let reason?): "invalid parameter: \(reason)"
        case .other(let name, let parameters): "\(name) \(parameters)"
        }
    }
}

/// A value of an error parameter: text or a whole number.
public enum ParameterValue: Codable, Equatable, Sendable {
    case string(String)
    case integer(Int)

    /// The value as text.
    public var text: String {
        switch self {
        case .string(let value): value
        case .integer(let value): String(value)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .string(String(value))
        } else {
            self = .string("")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        }
    }
}
