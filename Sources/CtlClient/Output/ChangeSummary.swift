import UDPLabProtocol

/// The one-line confirmations of the commands that change something.
enum ChangeSummary {
    /// `started echo (echo, reactor-edge) on 127.0.0.1:2000`, noting a transient engine; a
    /// multisocket engine names its strategy and socket count, a threaded one its threads, one
    /// without sockets no address.
    static func started(_ engine: EngineInfo) -> String {
        let model = EngineLabels.model(kind: engine.kind, backend: engine.backend, strategy: engine.strategy)
        let threads =
            engine.threads.map { $0 > 1 ? ["\($0) threads, steer \(engine.steer ?? Steer.default.rawValue)"] : [] }
            ?? []
        let details =
            [engine.kind] + (model == "-" ? [] : [model]) + threads + (engine.transient ? ["transient"] : [])
        // A threaded engine's sockets share one address.
        let address = EngineLabels.address(
            kind: engine.kind,
            addresses: engine.addresses.isEmpty ? [engine.address] : engine.addresses,
            socketCount: threads.isEmpty ? engine.addresses.count : 1
        )
        return "started \(engine.name) (\(details.joined(separator: ", ")))" + (address == "-" ? "" : " on \(address)")
    }

    /// `stopped a, b`, or that there was nothing to stop.
    static func stopped(_ names: [String]) -> String {
        names.isEmpty ? "no engines to stop" : "stopped \(names.joined(separator: ", "))"
    }

    /// `reloaded: started 1 (a), stopped 0, restarted 0, unchanged 2 (b, c)`.
    static func reloaded(_ reply: ReloadMethod.Reply) -> String {
        let groups = [
            ("started", reply.started),
            ("stopped", reply.stopped),
            ("restarted", reply.restarted),
            ("unchanged", reply.unchanged),
        ]
        let parts = groups.map { label, names in
            names.isEmpty ? "\(label) 0" : "\(label) \(names.count) (\(names.joined(separator: ", ")))"
        }
        return "reloaded: " + parts.joined(separator: ", ")
    }
}
