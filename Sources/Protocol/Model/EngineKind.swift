/// What an engine does (`DESIGN.md` §2).
public enum EngineKind: String, CaseIterable, Codable, Sendable {
    /// Echoes each datagram to its sender through a bounded outgoing queue.
    case echo
    /// `--count` sockets on consecutive ports, each drained and summarised, never echoed.
    case multisocket
    /// One UDP socket plus user-space timer events, both through one reactor.
    case mixed
    /// One future re-notified by a helper thread until it completes.
    case notify
    /// A reactor with nothing registered, blocked until stopped.
    case empty
    /// Relays each producer datagram to every registered consumer: the seed's planned
    /// producer–consumer relay.
    case relay

    /// One line for `--help` and `backends`.
    public var summary: String {
        switch self {
        case .echo: "echo each datagram to its sender (RFC 862 style)"
        case .multisocket: "--count sockets on consecutive ports, drained, never echoed"
        case .mixed: "one socket plus timer events every --interval, one reactor"
        case .notify: "one future re-notified every --interval until --polls"
        case .empty: "a reactor with nothing registered, blocked until stopped"
        case .relay: "relay each datagram to every consumer that sent 1 (0 leaves)"
        }
    }

    /// The seed program this kind mirrors.
    public var mirrors: String {
        switch self {
        case .echo: "echo-select … echo-tokio-mpsc, tokio-core echo-udp"
        case .multisocket: "tokio-multisocket-join / -spawn / -futuresunordered"
        case .mixed: "mio-mixed"
        case .notify: "future-notify"
        case .empty: "mio-empty"
        case .relay: "the seed's planned producer–consumer relay (never written there)"
        }
    }

    /// Whether its engines run on a chosen `--backend` (the others run on udplab's reactor).
    public var hasBackend: Bool {
        switch self {
        case .echo, .relay: true
        case .multisocket, .mixed, .notify, .empty: false
        }
    }
}
