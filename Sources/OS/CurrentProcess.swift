import Glibc

/// The running process as a whole: how it ends.
public enum CurrentProcess {
    /// Ends the process with `status`, after flushing C stdio (what `print` wrote).
    ///
    /// The corresponding C call is `exit(3)`.
    public static func exit(_ status: Int32) -> Never {
        Glibc.exit(status)
    }
}
