import Glibc

/// An open directory whose entries are reached only relative to it (`openat(2)`, `renameat(2)`,
/// `unlinkat(2)`), never by a path walked again, and never through a symlink at an entry's name.
///
/// The directory's own path is followed once, when it is opened (systemd's `DynamicUser=` makes
/// `/var/lib/udplabd` a symlink to `/var/lib/private/udplabd`); after that, someone who can write
/// in it may plant a symlink where the daemon will create a file, and the daemon still writes
/// only its own new file.
public struct Directory: ~Copyable, Sendable {
    let descriptor: FileDescriptor
    /// The path it was opened by, for messages.
    public let path: String

    /// Opens the directory at `path`.
    ///
    /// The corresponding C call is `open(2)` with `O_DIRECTORY`.
    /// - Throws: ``SystemError``: `ENOENT`, `ENOTDIR`, `EACCES`, …
    public init(opening path: String) throws(SystemError) {
        let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC
        descriptor = FileDescriptor(rawValue: try systemCall("open(\(path))") { open(path, flags) })
        self.path = path
    }

    /// Opens the directory at `path`, or returns `nil` when nothing is there.
    /// - Throws: ``SystemError`` for anything but `ENOENT` (a file in the way, no permission, …).
    public static func openIfPresent(_ path: String) throws(SystemError) -> Directory? {
        do {
            return try Directory(opening: path)
        } catch let error where error.code == ENOENT {
            return nil
        }
    }

    /// Creates `path` and its missing parents with `mode` (like `mkdir -p`), then opens it.
    /// - Throws: ``SystemError`` from mkdir(2) or open(2).
    public static func create(_ path: String, mode: UInt16 = 0o755) throws(SystemError) -> Directory {
        try AtomicFile.createDirectory(path, mode: mode)
        return try Directory(opening: path)
    }

    /// The full path of entry `name`, for messages.
    public func pathOf(_ name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }

    // MARK: - Entries

    /// The whole content of the regular file `name`, or `nil` when there is no such entry.
    ///
    /// A symlink at `name` is not followed (`O_NOFOLLOW`: `ELOOP`), and anything but a regular
    /// file is refused (`EISDIR` for a directory, `EINVAL` otherwise), without blocking on a FIFO.
    /// The corresponding C calls are `openat(2)`, `fstat(2)`, `read(2)`.
    /// - Throws: ``SystemError`` naming the step and the file.
    public func contents(of name: String) throws(SystemError) -> [UInt8]? {
        let full = pathOf(name)
        let raw = openat(descriptor.rawValue, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        if raw == -1 {
            if errno == ENOENT { return nil }
            throw SystemError(code: errno, operation: "open(\(full))")
        }
        let file = FileDescriptor(rawValue: raw)
        var status = stat()
        _ = try systemCall("fstat(\(full))") { fstat(file.rawValue, &status) }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw SystemError(code: EISDIR, operation: "open(\(full))")
        default: throw SystemError(code: EINVAL, operation: "open(\(full)): not a regular file")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            // The buffer is valid inside the closure only.
            let result = chunk.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemError) in
                    try systemCall("read(\(full))") { read(file.rawValue, buffer.baseAddress, buffer.count) }
                }
            }
            let count = try result.get()
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
    }

    /// Creates the file `name` with `mode` (less the umask) for writing; it must not exist.
    ///
    /// `O_CREAT | O_EXCL | O_NOFOLLOW`: whatever is at `name`, a symlink included, makes this
    /// fail with `EEXIST` instead of being opened.
    /// The corresponding C call is `openat(2)`.
    func createExclusively(_ name: String, mode: UInt16) throws(SystemError) -> FileDescriptor {
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
        return FileDescriptor(
            rawValue: try systemCall("open(\(pathOf(name)))") {
                openat(descriptor.rawValue, name, flags, mode_t(mode))
            }
        )
    }

    /// Renames entry `source` to `destination`, replacing what is there (a symlink is replaced,
    /// not followed). The corresponding C call is `renameat(2)`.
    public func rename(_ source: String, to destination: String) throws(SystemError) {
        _ = try systemCall("rename(\(pathOf(source)), \(pathOf(destination)))") {
            renameat(descriptor.rawValue, source, descriptor.rawValue, destination)
        }
    }

    /// Moves entry `name` to `base`, or to `base-2`, `base-3`, … the first name nothing has:
    /// the new name is first created exclusively (`O_EXCL`), then renamed over, so an existing
    /// entry is never replaced.
    ///
    /// - Returns: the name it now has.
    /// - Throws: ``SystemError`` from openat(2) or renameat(2); `EEXIST` after 1000 taken names.
    public func moveAside(_ name: String, toUnused base: String) throws(SystemError) -> String {
        for attempt in 1...1000 {
            let candidate = attempt == 1 ? base : "\(base)-\(attempt)"
            do {
                _ = try createExclusively(candidate, mode: 0o600)
            } catch let error where error.code == EEXIST {
                continue
            }
            do {
                try rename(name, to: candidate)
            } catch {
                try? remove(candidate)
                throw error
            }
            return candidate
        }
        throw SystemError(code: EEXIST, operation: "rename(\(pathOf(name))): 1000 names \(base)-N taken")
    }

    /// Removes entry `name` (a symlink itself, never its target); a missing entry is not an error.
    ///
    /// The corresponding C call is `unlinkat(2)`.
    /// - Throws: ``SystemError`` other than `ENOENT`.
    public func remove(_ name: String) throws(SystemError) {
        if unlinkat(descriptor.rawValue, name, 0) == -1 && errno != ENOENT {
            throw SystemError(code: errno, operation: "unlink(\(pathOf(name)))")
        }
    }

    /// The names of the directory's entries, `.` and `..` left out.
    ///
    /// The corresponding C calls are `openat(2)`, `fdopendir(3)`, `readdir(3)`.
    public func entryNames() throws(SystemError) -> [String] {
        // fdopendir takes its descriptor over (closedir closes it): give it one of its own.
        let raw = try systemCall("open(\(path))") {
            openat(descriptor.rawValue, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }
        guard let stream = fdopendir(raw) else {
            let code = errno
            FileDescriptor.closeInherited(raw)
            throw SystemError(code: code, operation: "fdopendir(\(path))")
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            // d_name is a NUL-terminated array; the pointer is valid inside the closure only.
            let name = withUnsafePointer(to: entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    // MARK: - The directory itself

    /// Makes the directory's entries (a rename, a new file) durable.
    ///
    /// The corresponding C call is `fsync(2)`.
    public func synchronize() throws(SystemError) {
        _ = try systemCall("fsync(\(path))") { fsync(descriptor.rawValue) }
    }

    /// `true` when users other than the owner and the group may create, rename or remove entries
    /// in it (`S_IWOTH`), sticky bit or not: a sticky directory still lets them create names.
    ///
    /// The corresponding C call is `fstat(2)`.
    public func isWritableByOthers() throws(SystemError) -> Bool {
        try status().st_mode & S_IWOTH != 0
    }

    /// The uid that owns the directory (and so may always write in it).
    ///
    /// The corresponding C call is `fstat(2)`.
    public func ownerUID() throws(SystemError) -> UInt32 {
        try status().st_uid
    }

    private func status() throws(SystemError) -> stat {
        var status = stat()
        _ = try systemCall("fstat(\(path))") { fstat(descriptor.rawValue, &status) }
        return status
    }
}
