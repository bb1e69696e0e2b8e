import Glibc

/// Files written so that a crash at any moment leaves either the old or the new content.
public enum AtomicFile {
    /// Replaces `path` with `bytes`: write a temporary file beside it, fsync it, rename it over
    /// `path`, fsync the directory (so the rename itself is durable).
    ///
    /// The corresponding C calls are `open(2)`, `write(2)`, `fsync(2)`, `rename(2)`.
    /// - Throws: ``SystemError`` naming the step and the path.
    public static func write(_ bytes: [UInt8], to path: String, mode: UInt16 = 0o644) throws(SystemError) {
        do {
            try writeReplacing(bytes, path: path, mode: mode)
        } catch {
            // Never leave a half-written temporary file behind.
            _ = unlink("\(path).tmp-\(getpid())")
            throw error
        }
    }

    private static func writeReplacing(_ bytes: [UInt8], path: String, mode: UInt16) throws(SystemError) {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let temporary = "\(path).tmp-\(getpid())"
        let flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
        let file = FileDescriptor(
            rawValue: try systemCall("open(\(temporary))") { open(temporary, flags, mode_t(mode)) }
        )
        var written = 0
        while written < bytes.count {
            let offset = written
            let result = bytes.withUnsafeBytes { buffer in
                Result { () throws(SystemError) in
                    try systemCall("write(\(temporary))") {
                        Glibc.write(file.rawValue, buffer.baseAddress! + offset, buffer.count - offset)
                    }
                }
            }
            written += try result.get()
        }
        _ = try systemCall("fsync(\(temporary))") { fsync(file.rawValue) }
        _ = try systemCall("rename(\(temporary), \(path))") { rename(temporary, path) }
        let directoryFile = FileDescriptor(
            rawValue: try systemCall("open(\(directory))") {
                open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            }
        )
        _ = try systemCall("fsync(\(directory))") { fsync(directoryFile.rawValue) }
    }

    /// Moves `path` aside to `destination` (e.g. a corrupt state file), keeping it for inspection.
    /// - Throws: ``SystemError`` from rename(2).
    public static func move(_ path: String, to destination: String) throws(SystemError) {
        _ = try systemCall("rename(\(path), \(destination))") { rename(path, destination) }
    }

    /// Creates `path` and its missing parents with `mode` (like `mkdir -p`).
    /// - Throws: ``SystemError`` from mkdir(2) other than `EEXIST`.
    public static func createDirectory(_ path: String, mode: UInt16 = 0o755) throws(SystemError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, mode_t(mode)) == -1 && errno != EEXIST {
                throw SystemError(code: errno, operation: "mkdir(\(current))")
            }
        }
    }

    /// Removes the file at `path`; a missing file is not an error.
    public static func remove(_ path: String) {
        _ = unlink(path)
    }
}
