import UDPLabOS

extension EngineSpec {
    /// The ports the engine binds on its host: `--bind`'s port, or `--count` ports from it
    /// (multisocket); `nil` for a kind that binds nothing, or port 0 (the kernel picks free ones,
    /// so they never collide).
    public var boundPorts: ClosedRange<Int>? {
        guard socketCount > 0, bind.port != 0 else { return nil }
        return Int(bind.port)...(Int(bind.port) + socketCount - 1)
    }

    /// The addresses as a user reads them: `127.0.0.1:2000`, or `127.0.0.1:2000–2009` for several.
    public var boundDescription: String {
        guard let ports = boundPorts, ports.count > 1 else { return bind.description }
        return "\(bind)–\(ports.upperBound)"
    }

    /// Whether this engine and `other` would bind a common address, so that the second to start
    /// fails with `AddressInUse`: their ports overlap, and their hosts are the same, or one is
    /// the wildcard of the other's family, or one is a dual-stack `[::]` (which also binds every
    /// IPv4 address).
    public func sharesAddress(with other: EngineSpec) -> Bool {
        guard let ports = boundPorts, let otherPorts = other.boundPorts, ports.overlaps(otherPorts) else {
            return false
        }
        return Self.hostsOverlap(bind, dualStack: isDualStack, other.bind, dualStack: other.isDualStack)
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
