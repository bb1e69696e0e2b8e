import UDPLabProtocol

/// The human form of `list`: one row per engine, then why each failed engine failed.
///
/// BACKEND is the echo backend, or the strategy of a multisocket engine; ADDRESS is the first
/// address bound, with the number of sockets when there are several.
enum EngineListView {
    /// The table, or `no engines`.
    static func text(_ engines: [EngineInfo]) -> String {
        guard !engines.isEmpty else { return "no engines" }
        var table = Table(columns: ["NAME", "KIND", "BACKEND", "ADDRESS", "STATE", "ORIGIN"].map { Table.Column($0) })
        for engine in engines {
            let origin = engine.transient ? "\(engine.origin) (transient)" : engine.origin
            table.rows.append([
                engine.name,
                engine.kind,
                EngineLabels.model(kind: engine.kind, backend: engine.backend, strategy: engine.strategy),
                EngineLabels.address(
                    kind: engine.kind,
                    addresses: engine.addresses.isEmpty ? [engine.address] : engine.addresses,
                    socketCount: engine.addresses.count
                ),
                engine.state,
                origin,
            ])
        }
        let failures = engines.compactMap { engine in engine.failure.map { "\(engine.name) failed: \($0)" } }
        return ([table.render()] + failures).joined(separator: "\n")
    }
}
