extension Duration {
    /// The duration in seconds, as the protocol's `interval` parameters and `EngineSpec.interval`
    /// carry it.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// Whole nanoseconds, as ``MonotonicClock`` counts time: truncated, a negative duration is 0
    /// and one beyond `UInt64` is `UInt64.max`.
    public var nanoseconds: UInt64 { count(of: 1_000_000_000, roundingUp: false) }

    /// Whole microseconds, as systemd's `*_USEC` fields take them; truncated and clamped as
    /// ``nanoseconds``.
    public var microseconds: UInt64 { count(of: 1_000_000_000_000, roundingUp: false) }

    /// Whole milliseconds; truncated and clamped as ``nanoseconds``.
    public var milliseconds: UInt64 { count(of: 1_000_000_000_000_000, roundingUp: false) }

    /// Whole milliseconds rounded up, so that a short positive wait is at least 1 ms, never 0;
    /// clamped as ``nanoseconds``.
    public var millisecondsRoundedUp: UInt64 { count(of: 1_000_000_000_000_000, roundingUp: true) }

    /// This duration as a poll(2)/epoll_wait(2) timeout: whole milliseconds rounded up, so that a
    /// short positive wait never turns into a busy loop; `nil` (wait forever) is -1.
    static func milliseconds(forTimeout timeout: Duration?) -> Int32 {
        guard let timeout else { return -1 }
        return Int32(clamping: timeout.millisecondsRoundedUp)
    }

    /// How many `unit`s (in attoseconds) the duration holds, in `0...UInt64.max`.
    private func count(of unit: Int128, roundingUp: Bool) -> UInt64 {
        guard attoseconds > 0 else { return 0 }
        let (quotient, remainder) = attoseconds.quotientAndRemainder(dividingBy: unit)
        return UInt64(clamping: roundingUp && remainder > 0 ? quotient + 1 : quotient)
    }
}

extension Duration {
    /// `1h`, `2m`, `5s` or `500ms`: the largest unit that shows the duration exactly, to the
    /// millisecond; as the command line and the docs write durations.
    public var shortText: String {
        guard let milliseconds = Int64(exactly: (seconds * 1000).rounded()) else { return "\(seconds)s" }
        for (unit, suffix) in [(Int64(3_600_000), "h"), (60_000, "m"), (1000, "s")]
        where milliseconds != 0 && milliseconds % unit == 0 {
            return "\(milliseconds / unit)\(suffix)"
        }
        return "\(milliseconds)ms"
    }
}
