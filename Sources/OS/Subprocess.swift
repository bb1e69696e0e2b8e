import CLinux
import Glibc

/// A child process whose stdin and stdout are one Unix socket and whose stderr is another, both
/// kept by this process: what `udplabctl -H` runs `ssh` as.
///
/// The child is started with `posix_spawnp(3)` (a program without a `/` is looked up in `PATH`),
/// in this process's environment, with the usual signals at their defaults and none blocked,
/// whatever this process ignores or blocks (`stats --watch` ignores SIGINT; an ssh that inherited
/// that would outlive a Ctrl-C). When the value goes away a child still running gets `SIGTERM`,
/// and `SIGKILL` if it has not ended a second later, and is reaped, so none is left behind
/// (sd-bus does the same with the `ssh` of `systemctl -H`).
public final class Subprocess {
    /// How a child ended.
    public enum Termination: Equatable, Sendable {
        /// It exited with this status (0–255).
        case exited(Int32)
        /// A signal ended it.
        case killed(ProcessSignal)
        /// Something else reaped it first, so how it ended is not known.
        case unknown
    }

    /// The process id.
    public let id: Int32
    /// This process's end of the child's stderr.
    private let errorOutput: UnixStreamSocket
    private var termination: Termination?

    /// Starts `program` with `arguments` (not including the program's own name), its stdin and
    /// stdout connected to `standardIO`, its stderr to a socket this value reads
    /// (``readErrorOutput(limit:)``). The caller closes its copy of `standardIO` afterwards, so that
    /// the child's exit is an end of file on the other end.
    ///
    /// - Throws: ``SystemError`` from `socketpair(2)` or `posix_spawnp(3)` (`ENOENT`: no such
    ///   program).
    public init(program: String, arguments: [String], standardIO: borrowing UnixStreamSocket) throws(SystemError) {
        // A SIGCHLD ignored by whoever started this process (inherited across exec) would have
        // the kernel reap the child itself, and its exit status would be lost.
        _ = signal(SIGCHLD, SIG_DFL)
        let errorPair = try UnixStreamSocket.pair()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on the copies; every other descriptor udplab opens is
        // close-on-exec, so the child gets no more of this process's than these three.
        posix_spawn_file_actions_adddup2(&actions, standardIO.descriptor.rawValue, 0)
        posix_spawn_file_actions_adddup2(&actions, standardIO.descriptor.rawValue, 1)
        posix_spawn_file_actions_adddup2(&actions, errorPair.remote.descriptor.rawValue, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] { sigaddset(&defaults, signal) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for word in argv { free(word) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, program, &actions, &attributes, argv, environ)
        guard result == 0 else { throw SystemError(code: result, operation: "posix_spawnp(\(program))") }
        id = pid
        errorOutput = errorPair.local
    }

    deinit {
        guard termination == nil else { return }
        _ = kill(id, SIGTERM)
        if wait(timeout: .seconds(1)) == nil {
            _ = kill(id, SIGKILL)
        }
        _ = wait()
    }

    /// Waits at most `timeout` for the child to end, and says how; `nil` while it still runs.
    ///
    /// The corresponding C calls are `pidfd_open(2)`, `poll(2)` and `waitpid(2)`.
    public func wait(timeout: Duration) -> Termination? {
        if let termination { return termination }
        let pidfd = CLinux_pidfd_open(id)
        guard pidfd >= 0 else { return wait() }  // ESRCH: already reaped elsewhere
        defer { close(pidfd) }
        let (seconds, attoseconds) = timeout.components
        let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        var ready: Int32
        repeat {
            ready = poll(&entry, 1, milliseconds)
        } while ready == -1 && errno == EINTR
        return ready > 0 ? wait() : nil
    }

    /// Waits until the child has ended (at once if it has already), and says how.
    ///
    /// The corresponding C call is `waitpid(2)`.
    @discardableResult
    public func wait() -> Termination {
        if let termination { return termination }
        var status: Int32 = 0
        var result: pid_t
        repeat {
            result = waitpid(id, &status, 0)
        } while result == -1 && errno == EINTR
        // WIFEXITED, WEXITSTATUS and WTERMSIG are macros: the status word's layout, spelled out.
        let ended: Termination =
            if result == -1 {
                .unknown  // ECHILD: reaped elsewhere
            } else if status & 0x7f == 0 {
                .exited((status >> 8) & 0xff)
            } else {
                .killed(ProcessSignal(rawValue: status & 0x7f))
            }
        termination = ended
        return ended
    }

    /// What the child has written to stderr so far, up to `limit` bytes, without waiting.
    public func readErrorOutput(limit: Int = 4096) -> String {
        var bytes: [UInt8] = []
        while bytes.count < limit {
            let chunk = errorOutput.readAvailable(limit: limit - bytes.count)
            if chunk.isEmpty { break }
            bytes += chunk
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
