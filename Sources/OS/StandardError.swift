import Glibc

/// The process's standard error.
public enum StandardError {
    /// stderr's `DEVICE:INODE`, in the form systemd puts in `$JOURNAL_STREAM`; `nil` if closed.
    ///
    /// The corresponding C call is `fstat(2)`.
    public static var streamIdentity: String? {
        var status = stat()
        guard fstat(2, &status) == 0 else { return nil }
        return "\(status.st_dev):\(status.st_ino)"
    }

    /// `true` when stderr is a terminal, where a progress line may redraw in place.
    ///
    /// The corresponding C call is `isatty(3)`.
    public static var isTerminal: Bool { isatty(2) == 1 }

    /// Writes `text` to stderr whole, unbuffered (a message before exit, a console log line).
    /// A stderr that is closed or full loses the text: there is nowhere left to report that.
    ///
    /// The corresponding C call is `write(2)`, repeated after a short write or `EINTR`.
    public static func write(_ text: String) {
        StandardStream.write(text, to: 2)
    }
}
