import UDPLabCore

/// The human form of `backends`: the I/O models this daemon can run, then the engine kinds.
enum BackendsView {
    /// Two tables separated by a blank line.
    static func text(_ reply: BackendsMethod.Reply) -> String {
        var backends = Table(columns: ["NAME", "TRIGGER", "MIRRORS", "SUMMARY"].map { Table.Column($0) })
        for backend in reply.backends {
            let summary = backend.available ? backend.summary : "\(backend.summary) (not available here)"
            backends.rows.append([backend.name, backend.trigger, backend.mirrors, summary])
        }
        var kinds = Table(columns: ["KIND", "SUMMARY"].map { Table.Column($0) })
        kinds.rows = reply.kinds.map { [$0.name, $0.summary] }
        return backends.render() + "\n\n" + kinds.render()
    }
}
