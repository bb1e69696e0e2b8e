import Logging
import ServiceLifecycle
import UDPLabCore
import UnixSignals

/// Runs until the daemon shuts down, then stops every engine in reverse start order.
///
/// First in the service group, so it is the last to shut down: the control socket is gone
/// before engines stop.
struct EngineService: Service {
    let runtime: DaemonRuntime

    func run() async throws {
        try? await gracefulShutdown()
        let (engines, _) = await runtime.supervisor.counts()
        runtime.logger.log(.daemonStopping, level: .notice, metadata: ["engines": "\(engines)"])
        Notify.stopping(status: "stopping \(engines) engines")
        if engines > 16 {
            Notify.extendTimeout(by: .milliseconds(100 * engines))
        }
        await runtime.supervisor.shutdown()
    }
}

/// Keeps the control socket open until the daemon shuts down.
struct ControlService: Service {
    let server: ControlServer

    func run() async throws {
        try? await gracefulShutdown()
        server.stop()
    }
}

/// Reloads the config on every SIGHUP (`systemctl reload` sends one through `udplabctl reload`).
struct ReloadSignalService: Service {
    let runtime: DaemonRuntime

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            // reload() logs its outcome; a SIGHUP has nobody to answer.
            _ = try? await runtime.reload()
        }
    }
}

/// Logs a statistics summary of every engine each `stats_interval`.
struct StatsReporter: Service {
    let runtime: DaemonRuntime
    let interval: Duration

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    await runtime.supervisor.logStatistics()
                }
            }
        } catch is CancellationError {
            // Shutdown cancels the wait: the reporter's normal end.
        }
    }
}

/// Keeps systemd's `STATUS=` current: engines running and datagrams per second.
struct StatusNotifier: Service {
    let runtime: DaemonRuntime

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: .seconds(5))
                    Notify.status(await runtime.supervisor.statusLine())
                }
            }
        } catch is CancellationError {
            // Shutdown cancels the wait: the notifier's normal end.
        }
    }
}

/// Pings systemd's watchdog every half interval, but only while every running engine's loop
/// shows progress (or waits for readiness): a wedged loop stops the pings, and systemd
/// restarts the service.
struct WatchdogService: Service {
    let runtime: DaemonRuntime
    let interval: Duration

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    if await runtime.supervisor.stalledEngines().isEmpty {
                        Notify.watchdog()
                    }
                    try await Task.sleep(for: interval / 2)
                }
            }
        } catch is CancellationError {
            // Shutdown cancels the wait: the watchdog's normal end.
        }
    }
}
