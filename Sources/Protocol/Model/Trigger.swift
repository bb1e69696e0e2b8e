/// How a kernel registration reports readiness (mio 0.6's `PollOpt`).
public enum Trigger: Sendable {
    /// An event on every poll while the source is ready: the caller may handle one datagram and
    /// come back.
    case level
    /// One event per change of readiness: the caller must drain the source until it would block,
    /// or it will never hear of the rest.
    case edge
}
