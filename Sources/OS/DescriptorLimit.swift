import Glibc

/// The process's limit on open descriptors (`RLIMIT_NOFILE`).
///
/// Linux starts processes with a soft limit of 1024 (for select(2)'s sake) and a much higher hard
/// limit; a daemon that may hold 4096 engine sockets raises its own soft limit to the hard one
/// at start, as systemd recommends, so its documented limits do not depend on who started it.
/// select engines stay safe: a descriptor select(2) cannot watch is refused when such an engine
/// starts.
public enum DescriptorLimit {
    /// The soft limit now in force.
    public static var current: Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        return Int(clamping: limit.rlim_cur)
    }

    /// Raises the soft limit to the hard limit.
    ///
    /// The corresponding C calls are `getrlimit(2)` and `setrlimit(2)`.
    /// - Returns: the soft limit in force afterwards.
    /// - Throws: ``SystemError`` when the limit cannot be read or set.
    @discardableResult
    public static func raiseToHardLimit() throws(SystemError) -> Int {
        var limit = rlimit()
        _ = try systemCall("getrlimit(RLIMIT_NOFILE)") {
            getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = try systemCall("setrlimit(RLIMIT_NOFILE)") {
                setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
            }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
