/// What an engine does (`DESIGN.md` §2).
public enum EngineKind: String, CaseIterable, Codable, Sendable {
    /// Echoes each datagram to its sender through a bounded outgoing queue.
    case echo

    /// One line for `--help`.
    public var summary: String {
        switch self {
        case .echo: "echo each datagram to its sender (RFC 862 style)"
        }
    }
}
