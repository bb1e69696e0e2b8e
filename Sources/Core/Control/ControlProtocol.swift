/// The control protocol's constants: varlink over a Unix stream socket (`docs/protocol.md`).
///
/// History (bump ``interfaceVersion`` only when an existing message changes shape):
/// - 1: Start Stop Restart List Stats Backends Status Reload SetLogLevel.
/// - 1, extended (fields only added, so no bump): the kinds multisocket, mixed, notify and empty:
///   Start's `strategy`, `count`, `interval`, `polls`; EngineInfo's `strategy`, `addresses` and
///   those options; EngineStats' `strategy`, `sockets`; counters `kernel_drops`, `task_polls`,
///   `future_polls`, `timer_events`; Backends' `strategies` and each kind's `mirrors`.
/// - 1, extended: backend mmsg; Start's and EngineInfo's `batch` and `reply`.
/// - 1, extended: counter `unanswered`.
public enum ControlProtocol {
    /// The varlink interface name; methods are `io.udplab.Start` and so on.
    public static let interface = "io.udplab"
    /// The interface's version, reported by `Status`.
    public static let interfaceVersion = 1
    /// The largest frame either side accepts, NUL included.
    public static let maximumFrameSize = 64 * 1024
    /// The most clients connected at once; the next one gets `LimitReached` and is closed.
    public static let maximumClients = 64
    /// The most engines a daemon runs.
    public static let maximumEngines = 256
    /// The most engine sockets a daemon holds.
    public static let maximumEngineSockets = 4096
    /// An idle client (no request under way, no stream) is closed after this long.
    public static let idleTimeout = Duration.seconds(60)
    /// The product version both binaries report.
    public static let productVersion = "0.1.0"

    /// The socket path when none is given: `$UDPLAB_SOCKET`, else `/run/udplabd.sock` for root,
    /// else `$XDG_RUNTIME_DIR/udplabd.sock` (the same rule in daemon and client).
    ///
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - isRoot: whether the process runs as uid 0.
    public static func defaultSocketPath(environment: [String: String], isRoot: Bool) -> String {
        if let path = environment["UDPLAB_SOCKET"], !path.isEmpty { return path }
        if isRoot { return "/run/udplabd.sock" }
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { return runtime + "/udplabd.sock" }
        return "/tmp/udplabd-\(environment["USER"] ?? "user").sock"
    }
}
