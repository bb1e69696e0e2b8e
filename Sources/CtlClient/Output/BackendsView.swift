import UDPLabProtocol

/// The human form of `backends`: the I/O models this daemon can run, the engine kinds, and the
/// multisocket strategies, each with the seed program it mirrors.
enum BackendsView {
    /// Three tables separated by a blank line.
    static func text(_ reply: BackendsMethod.Reply) -> String {
        var backends = Table(columns: ["BACKEND", "TRIGGER", "MIRRORS", "SUMMARY"].map { Table.Column($0) })
        for backend in reply.backends {
            let summary = backend.available ? backend.summary : "\(backend.summary) (not available here)"
            backends.rows.append([backend.name, backend.trigger, backend.mirrors, summary])
        }
        var kinds = Table(columns: ["KIND", "MIRRORS", "SUMMARY"].map { Table.Column($0) })
        kinds.rows = reply.kinds.map { [$0.name, $0.mirrors, $0.summary] }
        var strategies = Table(columns: ["STRATEGY", "MIRRORS", "SUMMARY"].map { Table.Column($0) })
        strategies.rows = reply.strategies.map { [$0.name, $0.mirrors, $0.summary] }
        return [backends, kinds, strategies].map { $0.render() }.joined(separator: "\n\n")
    }
}
