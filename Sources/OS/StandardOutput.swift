import CLinux
import Glibc

/// The process's standard output.
public enum StandardOutput {
    /// Flushes stdout at every newline, even into a pipe or the journal, so each trace line is
    /// one write(2) and arrives when it happens (C stdio buffers fully when stdout is not a tty).
    ///
    /// The corresponding C call is `setvbuf(3)` with `_IOLBF`.
    public static func useLineBuffering() {
        CLinux_stdout_line_buffered()
    }

    /// `true` when stdout is a terminal, where output may redraw in place.
    ///
    /// The corresponding C call is `isatty(3)`.
    public static var isTerminal: Bool { isatty(1) == 1 }

    /// Writes `text` to stdout whole, past C stdio's buffer (a report that must not wait for it).
    ///
    /// The corresponding C call is `write(2)`, repeated after a short write or `EINTR`.
    public static func write(_ text: String) {
        StandardStream.write(text, to: 1)
    }
}
