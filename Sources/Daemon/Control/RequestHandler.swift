import Logging
import UDPLabEngineKit
import UDPLabOS
import UDPLabProtocol
import UDPLabSystemd

/// Answers varlink calls: one `switch` over methods, one small function per method, and the
/// authorization check before anything changes.
struct RequestHandler: CallHandler {
    let runtime: DaemonRuntime

    /// Every method the control socket answers (the labels of the `udplab_control_*` metrics).
    static let methods: Set<String> = mutatingMethods.union([
        ListMethod.name, StatsMethod.name, BackendsMethod.name, StatusMethod.name, VarlinkService.getInfo,
        VarlinkService.getInterfaceDescription,
    ])

    /// Methods that change the daemon: admins only.
    static let mutatingMethods: Set<String> = [
        StartMethod.name, StopMethod.name, RestartMethod.name, ReloadMethod.name, SetLogLevelMethod.name,
        DebugStallMethod.name,
    ]

    /// The reply to `call` from `peer` (an error reply when it fails).
    func reply(to call: VarlinkCall, from peer: Peer) async -> VarlinkReply {
        do {
            return try await answer(call, from: peer)
        } catch let error as ControlError {
            return VarlinkReply(error)
        } catch {
            return VarlinkReply(.internalError(reason: "\(error)"))
        }
    }

    /// Only `Stats` streams on this socket (``ControlConnection``): no call is answered at once.
    func replies(toMore call: VarlinkCall, from peer: Peer) async -> [VarlinkReply]? { nil }

    private func answer(_ call: VarlinkCall, from peer: Peer) async throws -> VarlinkReply {
        let isDenied = Self.mutatingMethods.contains(call.method) && !peer.isAdmin
        runtime.controlRequests.record(call.method, denied: isDenied)
        if isDenied {
            runtime.logger.log(
                .controlDenied,
                level: .warning,
                metadata: [
                    "method": "\(call.method)", "peer_uid": "\(peer.credentials.uid)",
                    "peer_pid": "\(peer.credentials.pid)",
                ]
            )
            throw ControlError.permissionDenied(method: call.method)
        }
        switch call.method {
        case StartMethod.name:
            return try VarlinkReply(await start(try call.decodeParameters(StartMethod.Parameters.self)))
        case StopMethod.name: return try VarlinkReply(await stop(try call.decodeParameters(StopMethod.Parameters.self)))
        case RestartMethod.name:
            let parameters = try call.decodeParameters(RestartMethod.Parameters.self)
            return try VarlinkReply(RestartMethod.Reply(engine: try await runtime.supervisor.restart(parameters.name)))
        case ListMethod.name:
            _ = try call.decodeParameters(NoParameters.self)
            return try VarlinkReply(ListMethod.Reply(engines: await runtime.supervisor.list()))
        case StatsMethod.name:
            return try VarlinkReply(await stats(try call.decodeParameters(StatsMethod.Parameters.self)))
        case BackendsMethod.name:
            _ = try call.decodeParameters(NoParameters.self)
            return try VarlinkReply(Self.backends())
        case StatusMethod.name:
            _ = try call.decodeParameters(NoParameters.self)
            return try VarlinkReply(await runtime.status())
        case ReloadMethod.name:
            _ = try call.decodeParameters(NoParameters.self)
            return try VarlinkReply(try await runtime.reload())
        case SetLogLevelMethod.name:
            return try VarlinkReply(try setLogLevel(try call.decodeParameters(SetLogLevelMethod.Parameters.self)))
        case DebugStallMethod.name where runtime.areTestHooksEnabled:
            return try VarlinkReply(try await stall(try call.decodeParameters(DebugStallMethod.Parameters.self)))
        case VarlinkService.getInfo:
            _ = try call.decodeParameters(NoParameters.self)
            return try VarlinkReply(Self.info())
        case VarlinkService.getInterfaceDescription:
            return try VarlinkReply(
                try Self.describe(try call.decodeParameters(VarlinkService.DescriptionParameters.self))
            )
        default: throw Self.unknownMethodError(call.method)
        }
    }

    // MARK: - Methods

    private func start(_ parameters: StartMethod.Parameters) async throws(ControlError) -> StartMethod.Reply {
        let definition = try EngineDefinition(parameters)
        return StartMethod.Reply(
            engine: try await runtime.supervisor.start(
                definition,
                origin: .runtime,
                transient: parameters.transient ?? false
            )
        )
    }

    private func stop(_ parameters: StopMethod.Parameters) async throws(ControlError) -> StopMethod.Reply {
        let names = parameters.names ?? []
        switch (parameters.all ?? false, names.isEmpty) {
        case (true, true): return StopMethod.Reply(stopped: await runtime.supervisor.stopAll())
        case (false, false): return StopMethod.Reply(stopped: try await runtime.supervisor.stop(names: names))
        case (true, false):
            throw .invalidParameter(parameter: "all", reason: "all: true and names exclude each other")
        case (false, true):
            throw .invalidParameter(parameter: "names", reason: "names must list at least one engine, or all be true")
        }
    }

    /// One `Stats` reply (also each reply of a stream).
    func stats(_ parameters: StatsMethod.Parameters) async throws(ControlError) -> StatsMethod.Reply {
        StatsMethod.Reply(engines: try await runtime.supervisor.stats(names: parameters.names ?? []))
    }

    /// One reply of a `Stats` stream: `continues: true`, or the error that ends the stream.
    func streamedStats(_ parameters: StatsMethod.Parameters) async -> VarlinkReply {
        do {
            return try VarlinkReply(try await stats(parameters), continues: true)
        } catch let error as ControlError {
            return VarlinkReply(error)
        } catch {
            return VarlinkReply(.internalError(reason: "\(error)"))
        }
    }

    private func stall(_ parameters: DebugStallMethod.Parameters) async throws(ControlError) -> NoParameters {
        try await runtime.supervisor.stall(parameters.name, for: .milliseconds(Int64(parameters.seconds * 1000)))
        return NoParameters()
    }

    private func setLogLevel(_ parameters: SetLogLevelMethod.Parameters) throws(ControlError) -> NoParameters {
        guard let level = Logger.Level(rawValue: parameters.level) else {
            let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidParameter(
                parameter: "level",
                reason: "level must be one of \(levels), not '\(parameters.level)'"
            )
        }
        runtime.levelControl.current = level
        runtime.logger.notice("log level changed", metadata: ["level": "\(level)"])
        return NoParameters()
    }

    /// Every kind, echo backend and multisocket strategy, with the seed program each mirrors.
    private static func backends() -> BackendsMethod.Reply {
        BackendsMethod.Reply(
            backends: Backend.allCases.map { backend in
                let traits = backend.traits
                return BackendsMethod.Backend(
                    name: backend.rawValue,
                    kinds: [EngineKind.echo.rawValue] + (traits.refusesRelay == nil ? [EngineKind.relay.rawValue] : []),
                    trigger: traits.trigger == .level ? "level" : "edge",
                    mirrors: traits.mirrors,
                    summary: traits.summary,
                    available: backend.unavailableReason == nil
                )
            },
            kinds: EngineKind.allCases.map {
                BackendsMethod.Kind(name: $0.rawValue, summary: $0.summary, mirrors: $0.mirrors)
            },
            strategies: Strategy.allCases.map {
                BackendsMethod.Strategy(name: $0.rawValue, summary: $0.summary, mirrors: $0.mirrors)
            }
        )
    }

    private static func info() -> VarlinkService.Info {
        VarlinkService.Info(
            vendor: "udplab",
            product: "udplabd",
            version: ControlProtocol.productVersion,
            url: "https://github.com/udplab/udplab",
            interfaces: ["org.varlink.service", ControlProtocol.interface]
        )
    }

    private static func describe(
        _ parameters: VarlinkService.DescriptionParameters
    ) throws(ControlError) -> VarlinkService.Description {
        switch parameters.interface {
        case ControlProtocol.interface:
            return VarlinkService.Description(description: ControlProtocol.interfaceDescription)
        case "org.varlink.service": return VarlinkService.Description(description: Self.serviceInterface)
        default: throw .interfaceNotFound(interface: parameters.interface)
        }
    }

    /// `MethodNotFound` for an unknown method of a known interface, else `InterfaceNotFound`.
    private static func unknownMethodError(_ method: String) -> ControlError {
        let interface = method.split(separator: ".").dropLast().joined(separator: ".")
        if interface == ControlProtocol.interface || interface == "org.varlink.service" {
            return .methodNotFound(method: method)
        }
        return .interfaceNotFound(interface: interface)
    }

    /// The standard introspection interface every varlink service implements, as varlink.org's
    /// `org.varlink.service` declares it: every standard error, those udplabd never sends included.
    static let serviceInterface = """
        interface org.varlink.service
        method GetInfo() -> (vendor: string, product: string, version: string, url: string, interfaces: []string)
        method GetInterfaceDescription(interface: string) -> (description: string)
        error InterfaceNotFound (interface: string)
        error MethodNotFound (method: string)
        error MethodNotImplemented (method: string)
        error InvalidParameter (parameter: string)
        error PermissionDenied ()
        error ExpectedMore ()
        """
}

extension EngineDefinition {
    /// The engine a `Start` call asks for.
    /// - Throws: ``ControlError/invalidSpec(reason:)`` naming the bad field.
    init(_ parameters: StartMethod.Parameters) throws(ControlError) {
        guard let kind = EngineKind(rawValue: parameters.kind) else {
            let kinds = EngineKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidSpec(reason: "unknown kind '\(parameters.kind)': use one of \(kinds)")
        }
        let spec: EngineSpec
        do {
            spec = try EngineSpec(kind: kind, options: parameters.options)
        } catch {
            throw .invalidSpec(reason: error.message(naming: error.option.key))
        }
        var name = EngineName(defaultFor: kind)
        if let text = parameters.name {
            do {
                name = try EngineName(text)
            } catch {
                throw .invalidSpec(reason: error.description)
            }
        }
        do {
            try spec.validate()
        } catch {
            throw .invalidSpec(reason: error.description)
        }
        self.init(name: name, spec: spec)
    }
}

/// `io.udplab.Debug.StallEngine`: blocks an engine's loop, to prove the watchdog notices.
/// Exists only when the daemon runs with `UDPLABD_TEST_HOOKS=1`; it is not in the IDL.
enum DebugStallMethod {
    static let name = "io.udplab.Debug.StallEngine"

    struct Parameters: Codable, Sendable, RangedParameters {
        var name: String
        /// How long to stall, in seconds (up to an hour).
        var seconds: Double

        static var numberRanges: [String: ClosedRange<Double>] { ["seconds": 0...3600] }
    }
}
