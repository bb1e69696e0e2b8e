import Logging
import UDPLabOS
import UDPLabProtocol
import UDPLabSystemd

/// What the serving daemon shares between its control server, signal handlers and reporters:
/// the engine supervisor, the log level, the paths, and reload.
final class DaemonRuntime: Sendable {
    let supervisor: EngineSupervisor
    let levelControl: LogLevelControl
    let logger: Logger
    /// The config file given with `--config`, or `nil` for the default rule.
    private let explicitConfigPath: String?
    let socketPath: String
    let stateDirectory: String
    /// `--log-level` was given: reload then leaves the level alone.
    let isLogLevelPinned: Bool
    /// `UDPLABD_TEST_HOOKS=1`: the `io.udplab.Debug` methods exist (tests only).
    let areTestHooksEnabled: Bool
    let startedMicroseconds = MonotonicClock.realtimeMicroseconds()
    /// Control calls and denials, for the metrics.
    let controlRequests = ControlRequestCounter()

    init(
        supervisor: EngineSupervisor,
        levelControl: LogLevelControl,
        logger: Logger,
        explicitConfigPath: String?,
        socketPath: String,
        stateDirectory: String,
        isLogLevelPinned: Bool,
        areTestHooksEnabled: Bool
    ) {
        self.supervisor = supervisor
        self.levelControl = levelControl
        self.logger = logger
        self.explicitConfigPath = explicitConfigPath
        self.socketPath = socketPath
        self.stateDirectory = stateDirectory
        self.isLogLevelPinned = isLogLevelPinned
        self.areTestHooksEnabled = areTestHooksEnabled
    }

    /// The config in force now, by ``ConfigLocation``'s rule (a default file may have been
    /// created or removed since start-up).
    var configLocation: ConfigLocation { ConfigLocation(explicitPath: explicitConfigPath) }

    /// Re-reads the config, validates all of it, then reconciles the declared engines; all or
    /// nothing, and it returns only when done (SIGHUP and `Reload` both come here).
    ///
    /// - Throws: ``ControlError/invalidSpec(reason:)`` with every problem of a bad file, or the
    ///   error of the engine that could not start; in both cases nothing changed.
    func reload() async throws(ControlError) -> ReloadMethod.Reply {
        let location = configLocation
        Notify.reloading(status: "reloading \(location.path ?? "the embedded default config")")
        let result: Result<ReloadMethod.Reply, ControlError>
        do throws(ControlError) {
            result = .success(try await reconcile(with: location))
        } catch {
            result = .failure(error)
        }
        // Success or not, the daemon is serving again (a failed reload changed nothing).
        Notify.ready(status: await supervisor.statusLine())
        return try result.get()
    }

    /// Loads the config at `location` and reconciles the declared engines; ``reload()`` wraps it
    /// in notifications.
    private func reconcile(with location: ConfigLocation) async throws(ControlError) -> ReloadMethod.Reply {
        let config: DaemonConfig
        do {
            config = try location.load()
        } catch {
            logger.log(
                .reloadFailed,
                level: .error,
                metadata: ["config": "\(location.source)", "reason": "\(error)"]
            )
            throw .invalidSpec(reason: "config rejected, nothing changed:\n\(error)")
        }
        do throws(ControlError) {
            let reply = try await supervisor.reconcile(declared: config.engines)
            if !isLogLevelPinned {
                levelControl.current = config.logLevel
            }
            logger.log(
                .reloadSucceeded,
                level: .notice,
                metadata: [
                    "started": "\(reply.started)", "stopped": "\(reply.stopped)", "restarted": "\(reply.restarted)",
                ]
            )
            return reply
        } catch {
            logger.log(.reloadFailed, level: .error, metadata: ["reason": "\(error)"])
            throw error
        }
    }

    /// What the metrics endpoint and `io.systemd.Metrics` report now.
    func metricsSnapshot() async -> MetricsSnapshot {
        MetricsSnapshot(
            engines: await supervisor.engineMetrics(),
            control: controlRequests.tallies,
            process: try? ProcessUsage.current(),
            startTimeSeconds: Double(startedMicroseconds) / 1e6
        )
    }

    /// What `Status` reports.
    func status() async -> StatusMethod.Reply {
        let (engines, running) = await supervisor.counts()
        return StatusMethod.Reply(
            version: ControlProtocol.productVersion,
            interfaceVersion: ControlProtocol.interfaceVersion,
            pid: Accounts.processID,
            startedUsec: startedMicroseconds,
            engines: engines,
            running: running,
            socket: socketPath,
            stateDir: stateDirectory,
            config: configLocation.source,
            logLevel: levelControl.current.rawValue
        )
    }
}
