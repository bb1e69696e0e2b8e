import UDPLabOS

extension EngineSpec {
    /// The host addresses the engine binds, each with its ports: `--bind`'s port, `--count`
    /// ports from it (multisocket), or a relay's `--bind` and `--consumer-bind`; empty for a kind
    /// that binds nothing, and without port 0 (the kernel picks free ones, so they never collide).
    public var boundRanges: [(host: SocketAddress, ports: ClosedRange<Int>)] {
        var ranges: [(host: SocketAddress, ports: ClosedRange<Int>)] = []
        if kind == .relay {
            for address in [bind, effectiveConsumerBind].compactMap({ $0 }) where address.port != 0 {
                ranges.append((address, Int(address.port)...Int(address.port)))
            }
        } else if socketCount > 0, bind.port != 0 {
            ranges.append((bind, Int(bind.port)...(Int(bind.port) + socketCount - 1)))
        }
        return ranges
    }

    /// The addresses as a user reads them: `127.0.0.1:2000`, `127.0.0.1:2000–2009` for several,
    /// or a relay's `127.0.0.1:2000 and 127.0.0.1:2001`.
    public var boundDescription: String {
        if kind == .relay, let consumers = effectiveConsumerBind { return "\(bind) and \(consumers)" }
        guard let range = boundRanges.first, range.ports.count > 1 else { return bind.description }
        return "\(bind)–\(range.ports.upperBound)"
    }

    /// Whether this engine and `other` would bind a common address, so that the second to start
    /// fails with `AddressInUse`: their ports overlap, and their hosts are the same, or one is
    /// the wildcard of the other's family, or one is a dual-stack `[::]` (which also binds every
    /// IPv4 address).
    public func sharesAddress(with other: EngineSpec) -> Bool {
        boundRanges.contains { mine in
            other.boundRanges.contains { theirs in
                mine.ports.overlaps(theirs.ports)
                    && Self.hostsOverlap(mine.host, dualStack: isDualStack, theirs.host, dualStack: other.isDualStack)
            }
        }
    }

    /// Whether sockets bound to hosts `a` and `b` (with `IPV6_V6ONLY` off where `dualStack`)
    /// receive on a common address, ports aside.
    public static func hostsOverlap(
        _ a: SocketAddress,
        dualStack aDualStack: Bool,
        _ b: SocketAddress,
        dualStack bDualStack: Bool
    ) -> Bool {
        if a.isIPv6 == b.isIPv6 { return a.isUnspecified || b.isUnspecified || a.hasSameHost(as: b) }
        let (v6, v6DualStack) = a.isIPv6 ? (a, aDualStack) : (b, bDualStack)
        return v6DualStack && v6.isUnspecified
    }
}
