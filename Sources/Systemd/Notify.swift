import CSystemd
import UDPLabOS

/// sd_notify(3): tells systemd what the daemon is doing. Every call is a no-op (returns `false`)
/// when `$NOTIFY_SOCKET` is unset, i.e. when not run by systemd as `Type=notify`.
public enum Notify {
    /// Sends `assignments` (`KEY=value`, one datagram).
    ///
    /// The corresponding C call is `sd_notify(3)`.
    /// - Returns: `true` when a message was sent.
    @discardableResult
    public static func send(_ assignments: [String]) -> Bool {
        sd_notify(0, assignments.joined(separator: "\n")) > 0
    }

    /// `READY=1` with a status line: start-up (or a reload) is complete.
    @discardableResult
    public static func ready(status: String) -> Bool {
        send(["READY=1", "STATUS=\(status)"])
    }

    /// `RELOADING=1` with `MONOTONIC_USEC=` (required by `Type=notify-reload` on systemd ≥ 253,
    /// ignored by 252) and a status line.
    @discardableResult
    public static func reloading(status: String) -> Bool {
        send(["RELOADING=1", "MONOTONIC_USEC=\(MonotonicClock.nanoseconds() / 1000)", "STATUS=\(status)"])
    }

    /// `STOPPING=1` with a status line: shutdown has begun.
    @discardableResult
    public static func stopping(status: String) -> Bool {
        send(["STOPPING=1", "STATUS=\(status)"])
    }

    /// `STATUS=`: the one-line summary `systemctl status` shows.
    @discardableResult
    public static func status(_ status: String) -> Bool {
        send(["STATUS=\(status)"])
    }

    /// `WATCHDOG=1`: the daemon is healthy.
    @discardableResult
    public static func watchdog() -> Bool {
        send(["WATCHDOG=1"])
    }

    /// `EXTEND_TIMEOUT_USEC=`: start-up or shutdown needs `duration` more than its timeout.
    @discardableResult
    public static func extendTimeout(by duration: Duration) -> Bool {
        send(["EXTEND_TIMEOUT_USEC=\(duration.microseconds)"])
    }

    /// `STATUS=` and `ERRNO=` just before a fatal exit.
    @discardableResult
    public static func failed(status: String, errno: Int32) -> Bool {
        send(["STATUS=\(status)", "ERRNO=\(errno)"])
    }

    /// The watchdog interval systemd expects pings within, or `nil` when it is off (or meant
    /// for another process).
    ///
    /// The corresponding C call is `sd_watchdog_enabled(3)`.
    public static func watchdogInterval() -> Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(microseconds))
    }
}
