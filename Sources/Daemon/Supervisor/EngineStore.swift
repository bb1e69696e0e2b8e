import Foundation
import Logging
import UDPLabCore

/// The runtime engines the user asked to keep, in `STATE_DIR/engines.json`.
///
/// Written atomically on every change (temp file, fsync, rename, fsync dir); a file that cannot
/// be read is moved aside as `engines.json.corrupt-<unix time>`, never silently overwritten.
struct EngineStore: Sendable {
    /// The file's shape. `version` changes only when an existing field changes meaning.
    private struct Contents: Codable {
        var version = 1
        var engines: [EngineDefinition]
    }

    /// The state directory.
    let directory: String

    /// The state file exists but cannot be read; it is left alone and nothing is saved over it.
    struct Unreadable: Error, CustomStringConvertible {
        let path: String
        var description: String { "cannot read \(path); leaving it untouched and saving nothing until restart" }
    }

    /// The state file's path.
    var path: String { directory + "/engines.json" }

    /// Reads the saved engines; a missing file means none.
    ///
    /// A file that cannot be decoded is moved aside and logged as an error: the daemon then
    /// starts without those engines rather than not at all.
    func load(logger: Logger) throws(Unreadable) -> [EngineDefinition] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let data = FileManager.default.contents(atPath: path) else {
            // Present but unreadable (permissions, I/O): never treat that as "no engines", or
            // the next save would overwrite what the user saved.
            throw Unreadable(path: path)
        }
        do {
            return try JSONDecoder().decode(Contents.self, from: data).engines
        } catch {
            let aside = "\(path).corrupt-\(Int(Date().timeIntervalSince1970))"
            do {
                try AtomicFile.move(path, to: aside)
                logger.error(
                    "state file unreadable, moved aside",
                    metadata: ["path": "\(path)", "moved_to": "\(aside)", "reason": "\(error)"]
                )
            } catch {
                logger.error(
                    "state file unreadable and cannot be moved aside",
                    metadata: ["path": "\(path)", "reason": "\(error)"]
                )
            }
            return []
        }
    }

    /// Replaces the saved engines with `engines`.
    /// - Throws: ``SystemError`` when the directory or file cannot be written.
    func save(_ engines: [EngineDefinition]) throws(SystemError) {
        try AtomicFile.createDirectory(directory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain Codable values into JSON cannot fail.
        let data = try! encoder.encode(Contents(engines: engines))
        try AtomicFile.write(Array(data) + [0x0A], to: path)
    }
}
