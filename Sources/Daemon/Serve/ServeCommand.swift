import ArgumentParser
import FoundationEssentials
import Logging
import ServiceLifecycle
import UDPLabMetrics
import UDPLabOS
import UDPLabProtocol
import UDPLabSystemd
import UnixSignals

/// `udplabd` with no subcommand: the daemon itself.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: engines from the config and the state file, the control socket (the default).",
        discussion: """
            Config: --config, else \(DaemonConfig.defaultPath) if it exists, else the embedded default (one echo \
            engine, reactor-edge, 127.0.0.1:2000). Socket: --socket, else the config's [daemon] socket, else \
            $UDPLAB_SOCKET, else /run/udplabd.sock for root and $XDG_RUNTIME_DIR/udplabd.sock otherwise. State: \
            --state-dir, else the config's state_dir, else $STATE_DIRECTORY, else /var/lib/udplabd for root and \
            $XDG_STATE_HOME/udplabd otherwise.

            SIGTERM and SIGINT stop every engine (reverse start order) and exit 0; SIGHUP reloads the config. \
            Exit status: 0 stopped cleanly, 64 bad option, 65 state file of an unknown version, 73 control \
            socket unavailable (another daemon listens there), or the metrics endpoint's address or socket, 74 \
            state file unreadable, 78 bad config.
            """
    )

    @Option(help: ArgumentHelp("Config file (TOML).", valueName: "path"))
    var config: String?

    @Option(help: ArgumentHelp("Control socket path.", valueName: "path"))
    var socket: String?

    @Option(name: .customLong("state-dir"), help: ArgumentHelp("Where engines.json is kept.", valueName: "dir"))
    var stateDirectory: String?

    @Option(
        name: .customLong("log-target"),
        help: ArgumentHelp(
            "auto (the journal when stderr is connected to it, else the console), journal or console.",
            valueName: "target"
        )
    )
    var logTarget: String = "auto"

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp(
            "trace, debug, info, notice, warning, error or critical (default: the config's).",
            valueName: "level"
        )
    )
    var logLevel: String?

    @Option(
        name: .customLong("metrics-listen"),
        help: ArgumentHelp(
            "Serve GET /metrics (Prometheus, OpenMetrics) on this loopback HOST:PORT (default: the config's "
                + "metrics_listen; none).",
            valueName: "address"
        )
    )
    var metricsListen: String?

    @Option(
        name: .customLong("metrics-socket"),
        help: ArgumentHelp(
            "Serve io.systemd.Metrics on this Unix socket (default: the config's metrics_socket; none). "
                + "systemd-report reads \(SystemdMetrics.reportSocketPath(environment: [:], isRoot: true)).",
            valueName: "path"
        )
    )
    var metricsSocket: String?

    /// For tests: a shorter ``ControlProtocol/idleTimeout`` (`"500ms"`, `"2s"`), so that the idle
    /// and slow-call limits can be proven without waiting a minute. Not in `--help`.
    @Option(name: .customLong("control-idle-timeout"), help: .hidden)
    var controlIdleTimeout: String?

    func run() async throws {
        // SIGHUP's default action is to terminate: until the reload service traps it, a reload
        // asked for during start-up is ignored (the config has just been read) rather than fatal.
        ProcessSignal.hangup.ignoreDefaultAction()
        // 256 engines, 4096 engine sockets and 64 clients need ~5,300 descriptors, whatever soft
        // limit the daemon was started with (the unit sets 8192; a shell usually 1024).
        let descriptorLimitError: SystemError?
        do {
            try DescriptorLimit.raiseToHardLimit()
            descriptorLimitError = nil
        } catch {
            descriptorLimitError = error
        }
        let environment = ProcessInfo.processInfo.environment
        let isRoot = Accounts.currentUID == 0
        let settings: DaemonConfig
        do {
            settings = try ConfigLocation(explicitPath: config).load()
        } catch {
            Notify.failed(
                status: "config rejected: \("\(error)".split(separator: "\n").first ?? "")",
                errno: Errno.invalidArgument
            )
            throw CommandFailure(message: "config rejected:\n\(error)", exitCode: 78)
        }
        let pinnedLevel = try logLevel.map { text in
            guard let level = Logger.Level(rawValue: text) else {
                throw CommandFailure(message: "unknown --log-level '\(text)'", exitCode: 64)
            }
            return level
        }

        let levelControl = LogLevelControl(pinnedLevel ?? settings.logLevel)
        try Self.bootstrapLogging(target: logTarget, levelControl: levelControl, environment: environment)
        let logger = Logger(label: "udplabd")
        if let descriptorLimitError {
            logger.warning(
                "descriptor limit not raised",
                metadata: ["reason": "\(descriptorLimitError)", "limit": "\(DescriptorLimit.current)"]
            )
        }

        let socketPath =
            socket ?? settings.socketPath ?? ControlProtocol.defaultSocketPath(environment: environment, isRoot: isRoot)
        let stateDirectory =
            self.stateDirectory ?? settings.stateDirectory ?? Self.defaultStateDirectory(environment, isRoot)
        let store = EngineStore(directory: stateDirectory)
        // Before anything starts: a state file that cannot be used stops the daemon here, with
        // nothing bound or started.
        let saved = try Self.loadStateFile(store, logger: logger)
        let supervisor = EngineSupervisor(store: store, saved: saved, logger: logger)
        let runtime = DaemonRuntime(
            supervisor: supervisor,
            levelControl: levelControl,
            logger: logger,
            explicitConfigPath: config,
            socketPath: socketPath,
            stateDirectory: stateDirectory,
            isLogLevelPinned: pinnedLevel != nil,
            areTestHooksEnabled: environment["UDPLABD_TEST_HOOKS"] == "1"
        )

        let idleTimeout = try controlIdleTimeout.map { text in
            guard let duration = try? Duration(parsing: text, as: .configFile), duration > .zero else {
                throw CommandFailure(
                    message: "invalid --control-idle-timeout '\(text)': use e.g. 500ms or 2s",
                    exitCode: 64
                )
            }
            return duration
        }
        let server = try Self.openControlSocket(
            path: socketPath,
            mode: settings.socketMode,
            idleTimeout: idleTimeout ?? ControlProtocol.idleTimeout,
            runtime: runtime
        )
        let metrics = try Self.openMetrics(
            listen: try metricsListen.map { try Self.metricsAddress($0, allowRemote: settings.metricsAllowRemote) }
                ?? settings.metricsListen,
            socket: metricsSocket ?? settings.metricsSocketPath,
            runtime: runtime
        )
        Self.warnIfWritableByOthers(socketPath: socketPath, stateDirectory: stateDirectory, logger: logger)
        await supervisor.restore(declared: settings.engines)
        var services: [any Service] = [
            EngineService(runtime: runtime),
            ControlService(server: server),
            MetricsService(endpoint: metrics.endpoint, socket: metrics.socket),
            ReloadSignalService(runtime: runtime),
            StatsReporter(runtime: runtime, interval: settings.statsInterval),
            StatusNotifier(runtime: runtime),
            // Last: by the time services run, the group traps SIGTERM and SIGINT, so "ready"
            // is never announced while a stop signal would still kill the daemon.
            ReadyNotifier(runtime: runtime),
        ]
        if let interval = Notify.watchdogInterval() {
            services.append(WatchdogService(runtime: runtime, interval: interval))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        logger.notice("daemon stopped")
    }

    /// Sends log events to the journal (native entries) or to stderr, as `target` says.
    static func bootstrapLogging(target: String, levelControl: LogLevelControl, environment: [String: String]) throws {
        let toJournal: Bool
        switch target {
        case "auto": toJournal = JournalLogHandler.isStandardErrorJournal(environment: environment)
        case "journal": toJournal = true
        case "console": toJournal = false
        default:
            throw CommandFailure(
                message: "unknown --log-target '\(target)': use auto, journal or console",
                exitCode: 64
            )
        }
        let showsTime = environment["JOURNAL_STREAM"] == nil
        LoggingSystem.bootstrap { label in
            guard toJournal else {
                return ConsoleLogHandler(label: label, levelControl: levelControl, showsTime: showsTime)
            }
            return JournalLogHandler(
                identifier: "udplabd",
                level: { levelControl.current },
                setLevel: { levelControl.current = $0 }
            )
        }
    }

    /// The control socket: the one systemd passed as `control`, else a socket bound at `path`.
    /// A failure is reported to systemd (`STATUS=`, `ERRNO=`) before the daemon exits 73.
    static func openControlSocket(
        path: String,
        mode: UInt16,
        idleTimeout: Duration,
        runtime: DaemonRuntime
    ) throws -> ControlServer {
        let handler = RequestHandler(runtime: runtime)
        do {
            if let activated = try ListenFDs.takeUnixListener(named: "control") {
                runtime.logger.info("control socket passed by systemd", metadata: ["socket": "\(path)"])
                return try ControlServer.adopt(
                    activated,
                    path: path,
                    handler: handler,
                    idleTimeout: idleTimeout,
                    logger: runtime.logger
                )
            }
            return try ControlServer.open(
                path: path,
                mode: mode,
                handler: handler,
                idleTimeout: idleTimeout,
                logger: runtime.logger
            )
        } catch {
            let message = "\(error)"
            Notify.failed(status: message, errno: Errno.addressInUse)
            throw CommandFailure(message: message, exitCode: 73)
        }
    }

    /// `--metrics-listen`'s address: `HOST:PORT`, loopback unless the config allows others.
    static func metricsAddress(_ text: String, allowRemote: Bool) throws -> SocketAddress {
        let address: SocketAddress
        do {
            address = try SocketAddress(parsing: text)
        } catch {
            throw CommandFailure(message: "invalid --metrics-listen: \(error)", exitCode: 64)
        }
        if let problem = DaemonConfig.metricsListenProblem(address, allowRemote: allowRemote) {
            throw CommandFailure(message: "invalid --metrics-listen: \(problem) in the config", exitCode: 64)
        }
        return address
    }

    /// The metrics endpoint and the `io.systemd.Metrics` socket, each where asked (or none).
    /// A failure is reported to systemd before the daemon exits 73.
    static func openMetrics(
        listen: SocketAddress?,
        socket: String?,
        runtime: DaemonRuntime
    ) throws -> (endpoint: MetricsHTTPServer?, socket: ControlServer?) {
        var endpoint: MetricsHTTPServer?
        do {
            if let listen {
                let exposition = PrometheusExposition()
                endpoint = try MetricsHTTPServer.start(on: listen) { accept in
                    let format = ExpositionFormat.negotiated(accept: accept)
                    return (format, exposition.render(await runtime.metricsSnapshot(), as: format))
                }
                runtime.logger.info(
                    "metrics endpoint listening",
                    metadata: ["address": "\(endpoint?.localAddress.description ?? "")"]
                )
            }
            var server: ControlServer?
            if let socket {
                server = try ControlServer.open(
                    path: socket,
                    mode: 0o666,
                    handler: MetricsRequestHandler(runtime: runtime),
                    idleTimeout: ControlProtocol.idleTimeout,
                    logger: runtime.logger
                )
                runtime.logger.info("io.systemd.Metrics socket listening", metadata: ["socket": "\(socket)"])
            }
            return (endpoint, server)
        } catch {
            endpoint?.stop()
            let message = "\(error)"
            Notify.failed(status: message, errno: Errno.addressInUse)
            throw CommandFailure(message: message, exitCode: 73)
        }
    }

    /// `$STATE_DIRECTORY` (set by systemd's `StateDirectory=`), else the per-user or system default.
    static func defaultStateDirectory(_ environment: [String: String], _ isRoot: Bool) -> String {
        if let directory = environment["STATE_DIRECTORY"]?.split(separator: ":").first { return String(directory) }
        if isRoot { return "/var/lib/udplabd" }
        let base = environment["XDG_STATE_HOME"] ?? ((environment["HOME"] ?? "/tmp") + "/.local/state")
        return base + "/udplabd"
    }
}
