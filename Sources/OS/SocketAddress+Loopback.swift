extension SocketAddress {
    /// `true` for an address only this host can reach: IPv4's `127.0.0.0/8`, IPv6's `::1`, and
    /// `::ffff:127.x.y.z` (an IPv4 loopback address in IPv6 form).
    ///
    /// The metrics endpoint listens only on such an address unless the config allows others.
    public var isLoopback: Bool {
        switch storage {
        case .v4(let address):
            // s_addr is in network byte order: its first byte is the address's first octet.
            return UInt32(bigEndian: address.sin_addr.s_addr) >> 24 == 127
        case .v6:
            let text = host
            return text == "::1" || text.hasPrefix("::ffff:127.")
        }
    }
}
