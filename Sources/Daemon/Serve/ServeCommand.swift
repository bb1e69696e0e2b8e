import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UDPLabCore

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
            Exit status: 0 stopped cleanly, 64 bad option, 73 control socket unavailable (another daemon \
            listens there), 78 bad config.
            """
    )

    @Option(help: ArgumentHelp("Config file (TOML).", valueName: "path"))
    var config: String?

    @Option(help: ArgumentHelp("Control socket path.", valueName: "path"))
    var socket: String?

    @Option(name: .customLong("state-dir"), help: ArgumentHelp("Where engines.json is kept.", valueName: "dir"))
    var stateDirectory: String?

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp("trace, debug, info, notice, warning, error or critical (default: the config's).", valueName: "level")
    )
    var logLevel: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let isRoot = Accounts.currentUID == 0
        let configPath = config ?? (FileManager.default.fileExists(atPath: DaemonConfig.defaultPath) ? DaemonConfig.defaultPath : nil)
        let settings: DaemonConfig
        do {
            settings = try configPath.map { path throws(ConfigError) in try DaemonConfig.load(path: path) }
                ?? DaemonConfig.parse(DaemonConfig.embeddedDefaultText, source: "<embedded default>")
        } catch {
            throw CommandFailure(message: "config rejected:\n\(error)", exitCode: 78)
        }
        let pinnedLevel = try logLevel.map { text in
            guard let level = Logger.Level(rawValue: text) else {
                throw CommandFailure(message: "unknown --log-level '\(text)'", exitCode: 64)
            }
            return level
        }

        let levelControl = LogLevelControl(pinnedLevel ?? settings.logLevel)
        let showsTime = environment["JOURNAL_STREAM"] == nil
        LoggingSystem.bootstrap { label in ConsoleLogHandler(label: label, levelControl: levelControl, showsTime: showsTime) }
        let logger = Logger(label: "udplabd")

        let socketPath = socket ?? settings.socketPath ?? ControlProtocol.defaultSocketPath(environment: environment, isRoot: isRoot)
        let stateDirectory = self.stateDirectory ?? settings.stateDirectory ?? Self.defaultStateDirectory(environment, isRoot)
        let supervisor = EngineSupervisor(store: EngineStore(directory: stateDirectory), logger: logger)
        let runtime = DaemonRuntime(
            supervisor: supervisor,
            levelControl: levelControl,
            logger: logger,
            configPath: configPath,
            socketPath: socketPath,
            stateDirectory: stateDirectory,
            isLogLevelPinned: pinnedLevel != nil
        )

        let server: ControlServer
        do {
            server = try ControlServer.open(path: socketPath, mode: settings.socketMode, handler: RequestHandler(runtime: runtime), logger: logger)
        } catch {
            throw CommandFailure(message: error.description, exitCode: 73)
        }
        await supervisor.restore(declared: settings.engines)
        let (engines, running) = await supervisor.counts()
        logger.notice(
            "daemon ready",
            metadata: ["socket": "\(socketPath)", "state_dir": "\(stateDirectory)", "engines": "\(engines)", "running": "\(running)"]
        )

        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    EngineService(runtime: runtime),
                    ControlService(server: server),
                    ReloadSignalService(runtime: runtime),
                    StatsReporter(runtime: runtime, interval: settings.statsInterval),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        logger.notice("daemon stopped")
    }

    /// `$STATE_DIRECTORY` (set by systemd's `StateDirectory=`), else the per-user or system default.
    static func defaultStateDirectory(_ environment: [String: String], _ isRoot: Bool) -> String {
        if let directory = environment["STATE_DIRECTORY"]?.split(separator: ":").first { return String(directory) }
        if isRoot { return "/var/lib/udplabd" }
        let base = environment["XDG_STATE_HOME"] ?? ((environment["HOME"] ?? "/tmp") + "/.local/state")
        return base + "/udplabd"
    }
}
