import Glibc

/// Files written so that a crash at any moment leaves either the old or the new content.
public enum AtomicFile {
    /// Replaces entry `name` of `directory` with `bytes`: write a temporary file beside it
    /// (`name.tmp-<pid>`), fsync it, rename it over `name`, fsync the directory (so the rename
    /// itself is durable).
    ///
    /// Every step is relative to `directory`, and the temporary file is created with
    /// `O_CREAT | O_EXCL | O_NOFOLLOW`: whatever is already at its name (a leftover, or a symlink
    /// someone planted) is removed — the entry itself, never what it points to — and the creation
    /// tried once more. Nothing outside the directory is opened or written.
    ///
    /// The corresponding C calls are `openat(2)`, `write(2)`, `fsync(2)`, `renameat(2)`.
    /// - Throws: ``SystemError`` naming the step and the path; the temporary file is then gone.
    public static func write(
        _ bytes: [UInt8],
        named name: String,
        in directory: borrowing Directory,
        mode: UInt16 = 0o644
    ) throws(SystemError) {
        let temporary = temporaryPrefix(for: name) + "\(getpid())"
        let file = try createReplacingLeftover(temporary, in: directory, mode: mode)
        do {
            try writeAll(bytes, to: file, path: directory.pathOf(temporary))
            _ = try systemCall("fsync(\(directory.pathOf(temporary)))") { fsync(file.rawValue) }
            try directory.rename(temporary, to: name)
        } catch {
            // Never leave a half-written temporary file behind; this one is ours (O_EXCL).
            try? directory.remove(temporary)
            throw error
        }
        try directory.synchronize()
    }

    /// The start of the name of every temporary file ``write(_:named:in:mode:)`` makes for `name`.
    public static func temporaryPrefix(for name: String) -> String {
        "\(name).tmp-"
    }

    /// Removes the temporary files of `name` that an interrupted write left (a `kill -9` between
    /// creating one and renaming it): those of this process, and of processes that no longer
    /// exist. Another live process's file may be a write in progress (a second daemon on the same
    /// directory) and is left alone. Call it before this process writes `name`.
    ///
    /// The corresponding C call is `kill(2)` with signal 0, `ESRCH` meaning "no such process".
    /// - Returns: the names removed.
    /// - Throws: ``SystemError`` from listing or removing.
    public static func removeLeftovers(
        of name: String,
        in directory: borrowing Directory
    ) throws(SystemError)
        -> [String]
    {
        let prefix = temporaryPrefix(for: name)
        let leftovers = try directory.entryNames().filter { entry in
            guard entry.hasPrefix(prefix), let pid = Int32(entry.dropFirst(prefix.count)), pid > 0,
                entry.dropFirst(prefix.count).allSatisfy(\.isNumber)
            else { return false }
            return pid == getpid() || (kill(pid, 0) == -1 && errno == ESRCH)
        }
        for leftover in leftovers {
            try directory.remove(leftover)
        }
        return leftovers.sorted()
    }

    /// Creates `name` exclusively, after removing whatever entry had that name.
    private static func createReplacingLeftover(
        _ name: String,
        in directory: borrowing Directory,
        mode: UInt16
    ) throws(SystemError) -> FileDescriptor {
        do {
            return try directory.createExclusively(name, mode: mode)
        } catch let error where error.code == EEXIST {
            try directory.remove(name)
            return try directory.createExclusively(name, mode: mode)
        }
    }

    /// Writes all of `bytes` to `file` (also ``OutputFile``'s writes).
    static func writeAll(_ bytes: [UInt8], to file: borrowing FileDescriptor, path: String) throws(SystemError) {
        var written = 0
        while written < bytes.count {
            let offset = written
            // The buffer is valid inside the closure only; `bytes` is not empty here.
            let result = bytes.withUnsafeBytes { buffer in
                Result { () throws(SystemError) in
                    try systemCall("write(\(path))") {
                        Glibc.write(file.rawValue, buffer.baseAddress?.advanced(by: offset), buffer.count - offset)
                    }
                }
            }
            written += try result.get()
        }
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
