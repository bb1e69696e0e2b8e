import Logging
import Synchronization

/// The daemon's log level, shared by every logger and changed at runtime by `SetLogLevel`.
///
/// swift-log copies a handler's level into each `Logger`; reading it from here instead lets one
/// call change what every part of the daemon logs.
final class LogLevelControl: Sendable {
    private let level: Mutex<Logger.Level>

    /// Starts at `level`.
    init(_ level: Logger.Level) {
        self.level = Mutex(level)
    }

    /// The level now in force.
    var current: Logger.Level {
        get { level.withLock { $0 } }
        set { level.withLock { $0 = newValue } }
    }
}
