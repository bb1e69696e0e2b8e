import Logging
import ServiceLifecycle
import UDPLabMetrics
import UDPLabSystemd
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
        await runtime.supervisor.shutdown()
    }
}

/// Announces that the daemon is ready — the log's "daemon ready" and systemd's `READY=1` — from
/// inside the running service group, once its signal handlers are in place; then waits.
struct ReadyNotifier: Service {
    let runtime: DaemonRuntime

    func run() async throws {
        let (engines, running) = await runtime.supervisor.counts()
        runtime.logger.log(
            .daemonReady,
            level: .notice,
            metadata: [
                "socket": "\(runtime.socketPath)", "state_dir": "\(runtime.stateDirectory)", "engines": "\(engines)",
                "running": "\(running)",
            ]
        )
        Notify.ready(status: await runtime.supervisor.statusLine())
        try? await gracefulShutdown()
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

/// Keeps the metrics endpoint and the `io.systemd.Metrics` socket open until the daemon shuts down.
struct MetricsService: Service {
    let endpoint: MetricsHTTPServer?
    let socket: ControlServer?

    func run() async throws {
        try? await gracefulShutdown()
        endpoint?.stop()
        socket?.stop()
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
        try await repeatUntilShutdown(every: interval, startingAfterFirstInterval: true) {
            await runtime.supervisor.logStatistics()
        }
    }
}

/// Keeps systemd's `STATUS=` current (engines running and datagrams per second) and, on the same
/// tick, logs a gso engine's first GSO fallback.
struct StatusNotifier: Service {
    let runtime: DaemonRuntime

    func run() async throws {
        try await repeatUntilShutdown(every: .seconds(5), startingAfterFirstInterval: true) {
            Notify.status(await runtime.supervisor.statusLine())
            await runtime.supervisor.logFirstGSOFallbacks()
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
        try await repeatUntilShutdown(every: interval / 2, startingAfterFirstInterval: false) {
            if await runtime.supervisor.stalledEngines().isEmpty {
                Notify.watchdog()
            }
        }
    }
}

/// Runs `body` every `interval` until the daemon shuts down (which cancels the wait: the
/// normal end, not an error).
private func repeatUntilShutdown(
    every interval: Duration,
    startingAfterFirstInterval: Bool,
    _ body: @escaping @Sendable () async -> Void
) async throws {
    do {
        try await cancelWhenGracefulShutdown {
            if !startingAfterFirstInterval { await body() }
            while true {
                try await Task.sleep(for: interval)
                await body()
            }
        }
    } catch is CancellationError {
        return
    }
}
