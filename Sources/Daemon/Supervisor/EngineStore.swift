import FoundationEssentials
import Logging
import UDPLabOS
import UDPLabProtocol

/// The runtime engines the user asked to keep, in `STATE_DIR/engines.json`.
///
/// Written atomically on every change (``AtomicFile``: temp file, fsync, rename, fsync dir), every
/// file reached relative to the opened state directory and never through a symlink. A file that
/// cannot be decoded is moved aside as `engines.json.corrupt-<unix time>` (or `…-2`, `…-3`: a
/// backup is never replaced); one that cannot be read, or that a newer udplabd wrote, is left
/// untouched and the daemon does not start (``LoadError``).
struct EngineStore: Sendable {
    /// The file's shape. `version` changes only when an existing field changes meaning.
    private struct Contents: Codable {
        var version = EngineStore.version
        var engines: [EngineDefinition]
    }

    /// The one field read before the rest, so a file of another version is not misread.
    private struct VersionProbe: Decodable {
        let version: Int
    }

    /// The version this udplabd reads and writes.
    static let version = 1

    /// The state file's name in ``directory``.
    static let fileName = "engines.json"

    /// The state directory.
    let directory: String

    /// The state file's path.
    var path: String { directory + "/" + Self.fileName }

    /// The state file exists but cannot be used; it is left as it is, and the daemon must not
    /// start (starting would forget or overwrite what the user saved).
    enum LoadError: Error, CustomStringConvertible {
        /// The file or the state directory (`path` says which) exists but cannot be read
        /// (permissions, I/O, a directory or a symlink at the file's name, a file at the
        /// directory's).
        case unreadable(path: String, cause: SystemError)
        /// The file is corrupt and cannot be moved aside, so a save would overwrite it.
        case cannotMoveAside(path: String, cause: SystemError)
        /// The file has a `version` this udplabd does not know (a newer one wrote it).
        case unsupportedVersion(path: String, version: Int)

        var description: String {
            switch self {
            case .unreadable(let path, let cause):
                "cannot read \(path) (\(cause)); fix or remove it: udplabd does not start without its saved engines"
            case .cannotMoveAside(let path, let cause):
                "the state file \(path) is corrupt and cannot be moved aside (\(cause)); move it away by hand"
            case .unsupportedVersion(let path, let version):
                "the state file \(path) has version \(version), this udplabd reads version \(EngineStore.version) "
                    + "only; left untouched: run the udplabd that wrote it, or move the file away"
            }
        }
    }

    /// The state file could not be written; nothing on disk changed.
    struct SaveError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "cannot save \(path): \(reason)" }
    }

    /// Reads the saved engines; no file (or no state directory) means none.
    ///
    /// Removes the temporary files an interrupted save left. A file that cannot be decoded is
    /// moved aside and logged as an error: the daemon then starts without those engines rather
    /// than not at all.
    /// - Throws: ``LoadError`` when the file exists but cannot be used.
    func load(logger: Logger) throws(LoadError) -> [EngineDefinition] {
        let directory: Directory
        do {
            guard let opened = try Directory.openIfPresent(self.directory) else { return [] }
            directory = opened
        } catch {
            throw .unreadable(path: self.directory, cause: error)
        }
        removeLeftovers(in: directory, logger: logger)
        let data: [UInt8]
        do {
            guard let contents = try directory.contents(of: Self.fileName) else { return [] }
            data = contents
        } catch {
            throw .unreadable(path: path, cause: error)
        }
        do {
            let version = try JSONDecoder().decode(VersionProbe.self, from: Data(data)).version
            guard version == Self.version else { throw LoadError.unsupportedVersion(path: path, version: version) }
            return try JSONDecoder().decode(Contents.self, from: Data(data)).engines
        } catch let error as LoadError {
            throw error
        } catch {
            try moveAside(in: directory, reason: error, logger: logger)
            return []
        }
    }

    /// Replaces the saved engines with `engines`.
    /// - Throws: ``SaveError`` when the directory or file cannot be written.
    func save(_ engines: [EngineDefinition]) throws(SaveError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(Contents(engines: engines))
            let directory = try Directory.create(self.directory)
            try AtomicFile.write(Array(data) + [0x0A], named: Self.fileName, in: directory)
        } catch {
            throw SaveError(path: path, reason: "\(error)")
        }
    }

    /// Moves the corrupt state file aside under a name no other file has.
    private func moveAside(in directory: borrowing Directory, reason: any Error, logger: Logger) throws(LoadError) {
        do {
            let aside = try directory.moveAside(
                Self.fileName,
                toUnused: "\(Self.fileName).corrupt-\(Int(Date().timeIntervalSince1970))"
            )
            logger.error(
                "state file unreadable, moved aside",
                metadata: ["path": "\(path)", "moved_to": "\(directory.pathOf(aside))", "reason": "\(reason)"]
            )
        } catch {
            throw .cannotMoveAside(path: path, cause: error)
        }
    }

    /// Removes `engines.json.tmp-<pid>` files left by a save that was killed half-way.
    private func removeLeftovers(in directory: borrowing Directory, logger: Logger) {
        do {
            for name in try AtomicFile.removeLeftovers(of: Self.fileName, in: directory) {
                logger.notice(
                    "removed a temporary file left by an interrupted save",
                    metadata: ["path": "\(directory.pathOf(name))"]
                )
            }
        } catch {
            logger.warning(
                "cannot remove temporary files left by an interrupted save, ignoring",
                metadata: ["state_dir": "\(self.directory)", "reason": "\(error)"]
            )
        }
    }
}
