/// How a multisocket engine drives its per-socket futures (`--strategy`).
public enum Strategy: String, CaseIterable, Codable, Sendable {
    /// All futures joined in one task: every wakeup polls all N (tokio-multisocket-join).
    case join
    /// One task per socket: only the notified task is polled (tokio-multisocket-spawn).
    case spawn
    /// One task, per-child notification: only woken children are polled (FuturesUnordered).
    case unordered
    /// Swift structured concurrency: one child task per socket, on the engine's own thread.
    case taskgroup

    /// The default (`DESIGN.md` §2).
    public static let `default` = Strategy.unordered

    /// One line for `--help` and `backends`.
    public var summary: String {
        switch self {
        case .join: "one task joins all futures: every wakeup polls all N"
        case .spawn: "one task per socket: only the notified one is polled"
        case .unordered: "one task, per-child wakeups: only woken ones polled (default)"
        case .taskgroup: "Swift TaskGroup, a child task per socket, engine thread"
        }
    }

    /// The seed program this strategy mirrors.
    public var mirrors: String {
        switch self {
        case .join: "tokio-multisocket-join"
        case .spawn: "tokio-multisocket-spawn"
        case .unordered: "tokio-multisocket-futuresunordered"
        case .taskgroup: "(none: udplab's Swift counterpart)"
        }
    }
}
