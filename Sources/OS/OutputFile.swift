import Glibc

/// A file a command writes its output to, named by the user (`udplabctl bench --hgrm FILE`):
/// created, or emptied when it exists, as a shell's `>` would.
///
/// It is opened before the work whose output it takes, so that a path that cannot be written is
/// reported at once, not after a run whose result would then be lost.
public struct OutputFile: ~Copyable, Sendable {
    private let descriptor: FileDescriptor
    /// The path it was opened by, for messages.
    public let path: String

    /// Creates `path` with `mode` (less the umask), or truncates it when it exists.
    ///
    /// The corresponding C call is `open(2)` with `O_WRONLY | O_CREAT | O_TRUNC`.
    /// - Throws: ``SystemError`` naming the path: `ENOENT` (no such directory), `EACCES`,
    ///   `EISDIR`, `EROFS`, …
    public init(creating path: String, mode: UInt16 = 0o644) throws(SystemError) {
        let flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
        descriptor = FileDescriptor(rawValue: try systemCall("open(\(path))") { open(path, flags, mode_t(mode)) })
        self.path = path
    }

    /// Writes all of `bytes` at the file's current end.
    ///
    /// The corresponding C call is `write(2)`, repeated until everything is written.
    /// - Throws: ``SystemError`` naming the path: `ENOSPC`, `EIO`, …
    public func write(_ bytes: [UInt8]) throws(SystemError) {
        try AtomicFile.writeAll(bytes, to: descriptor, path: path)
    }
}
