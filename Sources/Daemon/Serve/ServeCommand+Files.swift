import FoundationEssentials
import Logging
import UDPLabOS
import UDPLabProtocol
import UDPLabSystemd

extension ServeCommand {
    /// The saved engines; a state file that exists but cannot be used is reported to systemd
    /// (`STATUS=`, `ERRNO=`) and makes the daemon exit, the file untouched: 65 when a newer
    /// udplabd wrote it, 74 when it cannot be read (or, corrupt, cannot be moved aside).
    static func loadStateFile(_ store: EngineStore, logger: Logger) throws -> [EngineDefinition] {
        do {
            return try store.load(logger: logger)
        } catch {
            let (errorNumber, exitCode): (Int32, Int32) =
                switch error {
                case .unreadable(_, let cause), .cannotMoveAside(_, let cause): (cause.code, 74)
                case .unsupportedVersion: (Errno.invalidArgument, 65)
                }
            logger.critical("state file unusable, not starting", metadata: ["path": "\(store.path)"])
            Notify.failed(status: "\(error)", errno: errorNumber)
            throw CommandFailure(message: "\(error)", exitCode: exitCode)
        }
    }

    /// Logs a warning for the socket's directory and for the state directory (or, before it
    /// exists, the nearest directory above it) when someone other than the daemon's user and root
    /// may write in it: others can then plant names there before the daemon creates them, or
    /// replace its socket. `/tmp` included: its sticky bit keeps others from removing the
    /// daemon's files, not from creating their own.
    static func warnIfWritableByOthers(socketPath: String, stateDirectory: String, logger: Logger) {
        let socketDirectory = socketPath.parentDirectory
        let checks = [("socket", socketDirectory.isEmpty ? "." : socketDirectory), ("state", stateDirectory)]
        for (role, path) in checks {
            guard let (checked, writers) = otherWriters(ofNearest: path) else { continue }
            logger.warning(
                "\(role) directory is writable by \(writers): they can replace or race what udplabd keeps there",
                metadata: ["path": "\(checked)"]
            )
        }
    }

    /// The nearest existing directory at or above `path`, and who besides the daemon's user and
    /// root may write in it; `nil` when nobody else may (or nothing can be checked).
    private static func otherWriters(ofNearest path: String) -> (path: String, writers: String)? {
        var candidate = path
        while true {
            if let found = try? Directory.openIfPresent(candidate) {
                let directory = found
                if (try? directory.isWritableByOthers()) == true { return (candidate, "other users") }
                guard let owner = try? directory.ownerUID() else { return nil }
                return owner == 0 || owner == Accounts.currentUID ? nil : (candidate, "its owner, uid \(owner)")
            }
            let parent = candidate.parentDirectory
            guard parent != candidate, candidate != "." else { return nil }
            candidate = parent.isEmpty ? "." : parent
        }
    }
}
