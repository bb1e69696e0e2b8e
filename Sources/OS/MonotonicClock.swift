import Glibc

/// Time as udplab measures it: `CLOCK_MONOTONIC` in nanoseconds, the one clock unit everywhere.
public enum MonotonicClock {
    /// Nanoseconds since an arbitrary point (boot); never goes backwards.
    ///
    /// The corresponding C call is `clock_gettime(2)` with `CLOCK_MONOTONIC` (a vDSO call: no
    /// syscall is made, so the engines' `syscalls` counter does not count it).
    @inline(__always)
    public static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// Microseconds since the Unix epoch (`CLOCK_REALTIME`), as systemd's `*_USEC` fields use.
    public static func realtimeMicroseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(time.tv_sec) &* 1_000_000 &+ UInt64(time.tv_nsec / 1000)
    }
}

extension Duration {
    /// This duration as a poll(2)/epoll_wait(2) timeout: whole milliseconds rounded up, so that a
    /// short positive wait never turns into a busy loop; `nil` (wait forever) is -1.
    static func milliseconds(forTimeout timeout: Duration?) -> Int32 {
        guard let timeout else { return -1 }
        let (seconds, attoseconds) = timeout.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) {
            return 0
        }
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}
