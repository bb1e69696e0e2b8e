import Glibc

extension SocketAddress {
    /// `true` for the wildcard host, `0.0.0.0` or `::`: a socket bound there receives on every
    /// address of its family.
    public var isUnspecified: Bool {
        switch storage {
        case .v4(let address): address.sin_addr.s_addr == 0
        case .v6(let address): withUnsafeBytes(of: address.sin6_addr) { $0.allSatisfy { $0 == 0 } }
        }
    }

    /// `true` when both have the same host (ports aside).
    public func hasSameHost(as other: SocketAddress) -> Bool {
        withPort(0) == other.withPort(0)
    }

    /// An IPv4-mapped IPv6 address (`[::ffff:a.b.c.d]:port`, how a dual-stack socket sees an
    /// IPv4 peer) as the IPv4 address it stands for; any other address as it is.
    public var unmappingIPv4: SocketAddress {
        guard case .v6(let address) = storage else { return self }
        let isMapped = withUnsafeBytes(of: address.sin6_addr) { bytes in
            bytes.prefix(10).allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
        }
        guard isMapped else { return self }
        var mapped = sockaddr_in()
        mapped.sin_family = sa_family_t(AF_INET)
        mapped.sin_port = address.sin6_port
        withUnsafeBytes(of: address.sin6_addr) { bytes in
            withUnsafeMutableBytes(of: &mapped.sin_addr) {
                $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[12..<16]))
            }
        }
        return SocketAddress(mapped)
    }
}
