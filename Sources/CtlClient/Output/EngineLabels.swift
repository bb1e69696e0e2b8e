import UDPLabProtocol

/// How `list`, `stats` and `start` name what an engine runs on and where it listens, the same
/// way in each.
enum EngineLabels {
    /// The multisocket strategy, the echo backend, or `-` for a kind that takes neither (the
    /// diagnostics run on udplab's own reactor). A kind this client does not know shows its backend.
    static func model(kind: String, backend: String, strategy: String?) -> String {
        if let strategy { return strategy }
        guard let known = EngineKind(rawValue: kind) else { return backend }
        return known.hasBackend ? backend : "-"
    }

    /// The address, `-` for a kind without sockets (notify, empty), a relay's two
    /// (`127.0.0.1:2000, consumers 127.0.0.1:2001`), or the first address and how many sockets
    /// there are when there are several: `127.0.0.1:2010 (10 sockets)`.
    static func address(kind: String, addresses: [String], socketCount: Int) -> String {
        guard let address = addresses.first else { return "-" }
        if let known = EngineKind(rawValue: kind) {
            if EngineSpec(kind: known).socketCount == 0 { return "-" }
            if known == .relay, addresses.count == 2 { return "\(address), consumers \(addresses[1])" }
        }
        return socketCount > 1 ? "\(address) (\(socketCount) sockets)" : address
    }
}
