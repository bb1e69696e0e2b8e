import Glibc

@testable import UDPLabOS

/// One IPv4 UDP datagram with a source address of the test's choosing, sent through a raw
/// socket (`IPPROTO_RAW`, which implies `IP_HDRINCL`; needs `CAP_NET_RAW`): how a test plays a
/// spoofed source on loopback, where the kernel delivers what the header says.
enum ForgedDatagram {
    /// Whether this process may open a raw socket (root, or `CAP_NET_RAW`).
    static var isPermitted: Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_RAW))
        guard descriptor >= 0 else { return false }
        close(descriptor)
        return true
    }

    /// A raw socket, open until ``close()``.
    final class Sender {
        private let descriptor: Int32

        init() throws {
            descriptor = socket(AF_INET, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_RAW))
            guard descriptor >= 0 else { throw TestFailure("raw socket: errno \(errno)") }
        }

        deinit { Glibc.close(descriptor) }

        /// Sends `payload` from `source` to `destination` (both IPv4). The kernel fills in the
        /// header's length, identification and checksum; the UDP checksum is 0 (none, as IPv4
        /// allows).
        func send(_ payload: [UInt8], from source: SocketAddress, to destination: SocketAddress) throws {
            guard case .v4(let from) = source.storage, case .v4(var to) = destination.storage else {
                throw TestFailure("forged datagrams are IPv4")
            }
            let udpLength = 8 + payload.count
            var packet = [UInt8](repeating: 0, count: 20 + udpLength)
            packet[0] = 0x45  // IPv4, a 20-byte header
            packet[8] = 64  // TTL
            packet[9] = UInt8(IPPROTO_UDP)
            withUnsafeBytes(of: from.sin_addr.s_addr) { packet.replaceSubrange(12..<16, with: $0) }
            withUnsafeBytes(of: to.sin_addr.s_addr) { packet.replaceSubrange(16..<20, with: $0) }
            withUnsafeBytes(of: from.sin_port) { packet.replaceSubrange(20..<22, with: $0) }
            withUnsafeBytes(of: to.sin_port) { packet.replaceSubrange(22..<24, with: $0) }
            withUnsafeBytes(of: UInt16(udpLength).bigEndian) { packet.replaceSubrange(24..<26, with: $0) }
            packet.replaceSubrange(28..., with: payload)
            let sent = packet.withUnsafeBytes { bytes in
                withUnsafePointer(to: &to) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(
                            descriptor,
                            bytes.baseAddress,
                            bytes.count,
                            0,
                            $0,
                            socklen_t(MemoryLayout<sockaddr_in>.size)
                        )
                    }
                }
            }
            guard sent == packet.count else { throw TestFailure("raw sendto: \(sent), errno \(errno)") }
        }
    }
}
