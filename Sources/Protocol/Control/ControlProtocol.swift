/// The control protocol's constants: varlink over a Unix stream socket (`docs/protocol.md`).
///
/// History (bump ``interfaceVersion`` only when an existing message changes shape):
/// - 1: Start Stop Restart List Stats Backends Status Reload SetLogLevel.
/// - 1, extended (fields only added, so no bump): the kinds multisocket, mixed, notify and empty:
///   Start's `strategy`, `count`, `interval`, `polls`; EngineInfo's `strategy`, `addresses` and
///   those options; EngineStats' `strategy`, `sockets`; counters `kernel_drops`, `task_polls`,
///   `future_polls`, `timer_events`; Backends' `strategies` and each kind's `mirrors`.
/// - 1, extended: backend mmsg; Start's and EngineInfo's `batch` and `reply`.
/// - 1, stricter (no message changes shape): unknown parameters, inexact integers and numbers out
///   of range are `InvalidParameter`, which adds `reason`; replies may exceed 64 KiB.
/// - 1, extended: counter `unanswered`; Start's and EngineInfo's `dual_stack`; AddressInUse's
///   `engine`. The loop counters became optional (`?int`): they are left out for nio and
///   nio-async, whose loops udplab cannot see (their zeros meant nothing); every other engine's
///   Stats is unchanged, so no bump.
/// - 1, extended: backend gso; counters `gro_buffers`, `gso_sends`, `gso_fallbacks` (0 on every
///   other backend; a client reads them as 0 from a daemon that sends none).
/// - 1, extended: Start's and EngineInfo's `deny_source_ports`, `rate_limit`,
///   `rate_limit_prefix`, `rate_limit_total`; counters `policy_drops`, `rate_limited` (read as 0
///   from a daemon that sends none).
/// - 1, extended: Start's and EngineInfo's `reflect_tos`; counters `pktinfo_replies`,
///   `tos_reflected` (read as 0 from a daemon that sends none).
/// - 1, extended: kind `relay`; Start's and EngineInfo's `consumer_bind`, `max_consumers`,
///   `consumer_timeout`; counters `consumer_ignored`, `consumers_refused`, `consumers_expired`
///   (read as 0 from a daemon that sends none); EngineStats' `consumers`.
public enum ControlProtocol {
    /// The varlink interface name; methods are `io.udplab.Start` and so on.
    public static let interface = "io.udplab"
    /// The interface's version, reported by `Status`.
    public static let interfaceVersion = 1
    /// The largest call the daemon accepts, NUL included (a larger one is a `ProtocolError` and
    /// the connection is closed).
    public static let maximumFrameSize = 64 * 1024
    /// The largest reply a client accepts, NUL included: as sd-varlink's buffer. Replies are bounded
    /// by the daemon's limits (``maximumEngines``, ``maximumEngineSockets``), not by a frame size:
    /// the largest the limits allow is a few MiB at most, and the daemon sends `InternalError`
    /// instead of a reply over this size.
    public static let maximumReplySize = 16 * 1024 * 1024
    /// The most clients connected at once; the next one gets `LimitReached` and is closed.
    public static let maximumClients = 64
    /// The most clients of one uid at once (a quarter of ``maximumClients``, as sd-varlink's
    /// per-uid default is a quarter of its connection limit).
    public static let maximumClientsPerUID = 16
    /// Clients only administrators may take: non-administrators together hold at most
    /// ``maximumClients`` minus this many, so they cannot lock root out.
    public static let administratorReservedClients = 16
    /// The most engines a daemon runs.
    public static let maximumEngines = 256
    /// The most engine sockets a daemon holds.
    public static let maximumEngineSockets = 4096
    /// A client with no call under way and no stream is closed after this long; a call must be
    /// complete (its NUL read) this long after its first byte, so that trickling a byte at a time
    /// does not keep a connection.
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
