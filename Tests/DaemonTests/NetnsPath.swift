import Foundation
import Synchronization

/// A real network path for a test: two network namespaces joined by a veth pair with GRO on, as
/// `bench/netns.sh up` makes them (issue 12), torn down when the value goes away, whatever the
/// test did.
///
/// The server namespace holds 198.18.0.1 and fd00::1, the client namespace 198.18.0.2 and fd00::2
/// (the benchmarking ranges: nothing outside the pair is ever addressed). Each path has its own
/// name from this process's id and a counter, so tests may run in parallel, and so may several
/// test processes; the addresses are the same in every pair, each pair in its own namespaces.
final class NetnsPath {
    /// Which end of the path a process runs in.
    enum Side: String {
        case server = "srv"
        case client = "cli"
    }

    /// The server's IPv4 address on the path.
    static let serverIPv4 = "198.18.0.1"
    /// The server's IPv6 address on the path.
    static let serverIPv6 = "fd00::1"

    /// `true` where paths can be made: network namespaces need root.
    static let isAvailable = getuid() == 0

    /// `NAME` of `bench/netns.sh`: at most 8 characters, unique to this path.
    let name: String

    private static let counter = Atomic<Int>(0)

    /// The script that makes and removes paths.
    static let script = ChildProcess.packageRoot.appendingPathComponent("bench/netns.sh").path

    /// Brings a new path up.
    /// - Throws: ``ChildFailure`` with the script's output when it fails (it has removed what it made).
    init() throws {
        let serial = Self.counter.add(1, ordering: .relaxed).newValue
        name = "t" + String(getpid(), radix: 36) + String(serial, radix: 36)
        let (status, stdout, stderr) = try ChildProcess.run(Self.script, ["up", name])
        guard status == 0 else { throw ChildFailure("netns.sh up \(name) exited \(status): \(stdout)\(stderr)") }
    }

    deinit {
        _ = try? ChildProcess.run(Self.script, ["down", name])
    }

    /// The network namespace of `side`.
    func namespace(_ side: Side) -> String { "udplab-\(name)-\(side.rawValue)" }

    /// The veth end in `side`'s namespace.
    func link(_ side: Side) -> String { "ul-\(name)-\(side.rawValue)" }

    /// Starts `executable` with `arguments` inside `side`'s namespace. `ip netns exec` execs the
    /// command, so the child's pid and signals are the command's own.
    func start(_ side: Side, _ executable: String, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(executable: Self.ip, arguments: ["netns", "exec", namespace(side), executable] + arguments)
    }

    /// Runs `executable` with `arguments` inside `side`'s namespace to completion.
    func run(
        _ side: Side,
        _ executable: String,
        _ arguments: [String],
        timeout: Duration = .seconds(30)
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try start(side, executable, arguments)
        let status = try child.waitForExit(timeout: timeout)
        return (status, child.stdout, child.stderr)
    }

    /// A counter of `side`'s veth end (`rx_packets`, `tx_packets`, …) from its sysfs statistics.
    func linkStatistic(_ side: Side, _ counter: String) throws -> Int {
        let (status, stdout, stderr) = try run(side, "cat", ["/sys/class/net/\(link(side))/statistics/\(counter)"])
        guard status == 0, let value = Int(stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ChildFailure("no \(counter) for \(link(side)): \(stdout)\(stderr)")
        }
        return value
    }

    /// Compiles `bench/c/NAME.c` with `gcc -O2` into `directory` and returns the program's path.
    static func compileC(_ program: String, into directory: String) throws -> String {
        let source = ChildProcess.packageRoot.appendingPathComponent("bench/c/\(program).c").path
        let output = directory + "/" + program
        let (status, stdout, stderr) = try ChildProcess.run("/usr/bin/gcc", ["-O2", "-Wall", "-o", output, source])
        guard status == 0 else { throw ChildFailure("gcc \(program).c exited \(status): \(stdout)\(stderr)") }
        return output
    }

    /// The namespaces `ip netns list` shows.
    static func namespaces() throws -> [String] {
        let (_, stdout, _) = try ChildProcess.run(ip, ["netns", "list"])
        return stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    /// The links of this (the test's own) namespace, as `ip -o link` names them.
    static func rootLinks() throws -> [String] {
        let (_, stdout, _) = try ChildProcess.run(ip, ["-o", "link", "show"])
        return stdout.split(separator: "\n").compactMap { line in
            let field = line.split(separator: ":", maxSplits: 2).dropFirst().first
            return field?.trimmingCharacters(in: .whitespaces).split(separator: "@").first.map(String.init)
        }
    }

    private static let ip =
        ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        } ?? "/usr/sbin/ip"
}
