import Logging
import Synchronization
import UDPLabOS

/// Passes an engine's `--trace` lines to the log at debug priority, at most
/// ``linesPerSecond`` a second; the rest are counted and reported as one
/// "suppressed N trace lines" entry when the next second begins.
final class TraceLimiter: Sendable {
    /// The most lines passed on per second.
    static let linesPerSecond = 200

    private struct Window {
        var start: UInt64 = 0
        var passed = 0
        var suppressed = 0
    }

    private let window = Mutex(Window())
    private let logger: Logger
    private let engine: String

    init(logger: Logger, engine: String) {
        self.logger = logger
        self.engine = engine
    }

    /// Logs `line`, or counts it when this second's allowance is spent.
    func trace(_ line: String) {
        let now = MonotonicClock.nanoseconds()
        let (passes, suppressedBefore) = window.withLock { window -> (Bool, Int) in
            var reported = 0
            if now &- window.start >= 1_000_000_000 {
                reported = window.suppressed
                window = Window(start: now)
            }
            guard window.passed < Self.linesPerSecond else {
                window.suppressed += 1
                return (false, reported)
            }
            window.passed += 1
            return (true, reported)
        }
        if suppressedBefore > 0 {
            logger.debug("suppressed \(suppressedBefore) trace lines", metadata: ["engine": "\(engine)"])
        }
        if passes {
            logger.debug("\(line)", metadata: ["engine": "\(engine)"])
        }
    }
}
