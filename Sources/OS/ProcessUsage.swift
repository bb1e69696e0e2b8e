import Glibc

/// What the daemon's process uses now, read from `/proc/self`, for the `process_*` metrics
/// (the names and meanings of the Prometheus client libraries' process collectors).
public struct ProcessUsage: Sendable, Equatable {
    /// User and system CPU time, in seconds (`/proc/self/stat` fields 14 and 15).
    public var cpuSeconds: Double
    /// Resident set size, in bytes (`/proc/self/statm`, second field, in pages).
    public var residentBytes: UInt64
    /// Virtual memory size, in bytes (`/proc/self/statm`, first field, in pages).
    public var virtualBytes: UInt64
    /// Open file descriptors (the entries of `/proc/self/fd`).
    public var openDescriptors: Int
    /// The soft limit on file descriptors (`RLIMIT_NOFILE`).
    public var maximumDescriptors: Int

    public init(
        cpuSeconds: Double,
        residentBytes: UInt64,
        virtualBytes: UInt64,
        openDescriptors: Int,
        maximumDescriptors: Int
    ) {
        self.cpuSeconds = cpuSeconds
        self.residentBytes = residentBytes
        self.virtualBytes = virtualBytes
        self.openDescriptors = openDescriptors
        self.maximumDescriptors = maximumDescriptors
    }

    /// Reads the calling process's usage.
    ///
    /// The corresponding C calls are `open(2)`/`read(2)` of `/proc/self/stat`, `/proc/self/statm`,
    /// `getdents64(2)` of `/proc/self/fd`, `sysconf(3)` for the clock tick and page size.
    /// - Throws: ``SystemError`` when `/proc` cannot be read, or `EINVAL` when a file is not in
    ///   the kernel's format.
    public static func current() throws(SystemError) -> ProcessUsage {
        let stat = try procFile("stat")
        let statm = try procFile("statm")
        // The command name (field 2) is in parentheses and may hold blanks: count from after it.
        guard let close = stat.lastIndex(of: ")") else {
            throw SystemError(code: EINVAL, operation: "read(/proc/self/stat)")
        }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        let pages = statm.split(separator: " ").compactMap { UInt64($0.filter { $0 != "\n" }) }
        guard fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]), pages.count >= 2
        else {
            throw SystemError(code: EINVAL, operation: "read(/proc/self/stat)")
        }
        let ticks = Double(max(sysconf(Int32(_SC_CLK_TCK)), 1))
        let pageSize = UInt64(max(sysconf(Int32(_SC_PAGESIZE)), 1))
        let descriptors = try Directory(opening: "/proc/self/fd").entryNames().count
        return ProcessUsage(
            cpuSeconds: Double(user + system) / ticks,
            residentBytes: pages[1] * pageSize,
            virtualBytes: pages[0] * pageSize,
            // Two descriptors open while it was listed (the directory and its stream) are not
            // the process's own.
            openDescriptors: max(descriptors - 2, 0),
            maximumDescriptors: DescriptorLimit.current
        )
    }

    /// The text of `/proc/self/NAME` (the directory is closed on return).
    private static func procFile(_ name: String) throws(SystemError) -> String {
        String(decoding: try Directory(opening: "/proc/self").contents(of: name) ?? [], as: UTF8.self)
    }
}
