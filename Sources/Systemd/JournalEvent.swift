/// The events udplabd logs, each with its journal `MESSAGE_ID` (made once with
/// `systemd-id128 new`, never changed) and the `MESSAGE` text the daemon logs it with.
///
/// `packaging/udplabd.catalog` explains every id for `journalctl -x`; a test keeps the two in step.
public enum JournalEvent: String, CaseIterable, Sendable {
    case daemonReady = "daemon ready"
    case daemonStopping = "daemon stopping"
    case engineStarted = "engine started"
    case engineStopped = "engine stopped"
    case engineFailed = "engine failed"
    case engineRestored = "engine restored"
    case engineNotRestored = "engine not restored"
    case engineStats = "engine stats"
    case engineStalled = "engine stalled"
    case gsoRefused = "gso refused"
    case engineUnlimited = "engine without rate limit"
    case relayExposed = "relay open to spoofed registrations"
    case reloadSucceeded = "reload ok"
    case reloadFailed = "reload failed"
    case controlDenied = "control request denied"

    /// The event's `MESSAGE_ID`: 128 bits, lower-case hex, no dashes.
    public var messageID: String {
        switch self {
        case .daemonReady: "ca17e4491eb54cf39fab65bf204acf66"
        case .daemonStopping: "f2a7f3693ab84bb1a59900df8d0883fb"
        case .engineStarted: "109d0a16f6aa4e4a90de376f48d5430a"
        case .engineStopped: "06ac7e612ae74f54a7550a3c10cf7fcb"
        case .engineFailed: "0b2b15d39928446eb0476df1ca7c108e"
        case .engineRestored: "701965a06e6c4a11b0b9c719f1cfeed0"
        case .engineNotRestored: "6013a09fb59b4eb58f67cdaf219788c7"
        case .engineStats: "99047fc947514c23bf49eba56328c2ca"
        case .engineStalled: "e412a5e089b945bd8bcada98bc7d938f"
        case .gsoRefused: "6e35072ea87f4b8db2382014c3ceabf5"
        case .engineUnlimited: "5bc44089fd0e4f51a61444e1162b4d7d"
        case .relayExposed: "5188327af4ba4abeac9c9c377df9bea7"
        case .reloadSucceeded: "0753970c07e747c3973ae8d857d558a8"
        case .reloadFailed: "e09fd159728c4c7c9a191c2fdc3dc30b"
        case .controlDenied: "a00babc04e8045eab1b195f294b738c5"
        }
    }

    /// The event a log message stands for, if it is one of these.
    public init?(message: String) {
        self.init(rawValue: message)
    }
}
