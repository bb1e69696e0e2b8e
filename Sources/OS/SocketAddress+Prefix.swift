import Glibc

extension SocketAddress {
    /// The source network this address is in, as a 128-bit key for a rate-limit table: the host
    /// cut to its first `v4Bits` (IPv4) or `v6Bits` (IPv6) bits, the port left out. An IPv4
    /// address is keyed as its IPv4-mapped IPv6 form, so the IPv4 peers of a dual-stack socket
    /// (`::ffff:a.b.c.d`) share their buckets with the same peers over IPv4. No allocation.
    public func prefixKey(v4Bits: Int, v6Bits: Int) -> (high: UInt64, low: UInt64) {
        switch storage {
        case .v4(let address):
            return (0, 0x0000_FFFF_0000_0000 | UInt64(Self.masked(UInt32(bigEndian: address.sin_addr.s_addr), v4Bits)))
        case .v6(let address):
            let (high, low) = withUnsafeBytes(of: address.sin6_addr) { bytes in
                (
                    UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self)),
                    UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                )
            }
            if high == 0 && low >> 32 == 0x0000_FFFF {
                // IPv4-mapped: the IPv4 prefix.
                return (0, 0x0000_FFFF_0000_0000 | UInt64(Self.masked(UInt32(truncatingIfNeeded: low), v4Bits)))
            }
            let bits = max(0, min(v6Bits, 128))
            let highMask: UInt64 = bits >= 64 ? ~0 : (bits == 0 ? 0 : ~0 << (64 - bits))
            let lowMask: UInt64 = bits <= 64 ? 0 : (bits == 128 ? ~0 : ~0 << (128 - bits))
            return (high & highMask, low & lowMask)
        }
    }

    /// `address` with all but its first `bits` bits cleared.
    private static func masked(_ address: UInt32, _ bits: Int) -> UInt32 {
        let bits = max(0, min(bits, 32))
        return bits == 0 ? 0 : address & (~0 << (32 - bits))
    }

    /// Reads an address from a `sockaddr` another library hands over (SwiftNIO's
    /// `withSockAddr`): `nil` for a family other than IPv4/IPv6.
    package init?(sockaddr raw: UnsafeRawPointer) {
        switch Int32(raw.load(as: sockaddr.self).sa_family) {
        case AF_INET: self.init(raw.loadUnaligned(as: sockaddr_in.self))
        case AF_INET6: self.init(raw.loadUnaligned(as: sockaddr_in6.self))
        default: return nil
        }
    }
}
