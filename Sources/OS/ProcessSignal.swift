import Glibc

/// A Unix signal the daemon handles itself.
public struct ProcessSignal: Sendable, Hashable, CustomStringConvertible {
    /// The signal number.
    public let rawValue: Int32

    /// `SIGINT` (Ctrl-C).
    public static let interrupt = ProcessSignal(rawValue: SIGINT)
    /// `SIGTERM` (what `kill` and `systemctl stop` send).
    public static let terminate = ProcessSignal(rawValue: SIGTERM)
    /// `SIGHUP` (reload).
    public static let hangup = ProcessSignal(rawValue: SIGHUP)

    public var description: String {
        switch rawValue {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(rawValue)"
        }
    }

    /// Turns off the default action (termination), so that a dispatch signal source alone sees it.
    ///
    /// The corresponding C call is `signal(2)` with `SIG_IGN`.
    public func ignoreDefaultAction() {
        _ = signal(rawValue, SIG_IGN)
    }
}
