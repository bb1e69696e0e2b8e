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
