/// Where an engine is in its life.
public enum EngineState: String, Codable, Sendable {
    /// Its socket is bound; its thread is starting.
    case starting
    /// Its loop is serving.
    case running
    /// A stop was asked for; the loop is finishing.
    case stopping
    /// The loop ended because it was asked to; its sockets are closed.
    case stopped
    /// The engine finished its work by itself (a `notify` engine after its last poll).
    case completed
    /// The loop ended with an error (see `Engine.failure`); its sockets are closed.
    case failed
}
