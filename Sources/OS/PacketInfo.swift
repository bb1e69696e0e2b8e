import CLinux
import Glibc

/// Where a datagram arrived and how it was marked, from its control messages: the local address
/// it reached and the interface it came in on (`IP_PKTINFO`, `IPV6_PKTINFO`), and its traffic
/// class (`IP_TOS`, `IPV6_TCLASS`: DSCP in the upper six bits, ECN in the lower two).
///
/// An echo sent with a datagram's packet info (``UDPSocket/send(_:to:packetInfo:)``) leaves from
/// the address the request reached, not from the one the route would pick, and carries the
/// request's traffic class: what a responder on a wildcard address of a multi-homed host owes
/// its clients (issue 14). A socket delivers it only when asked (``UDPSocket/PacketInfoOptions``).
///
/// It is the C shim's plain struct, so receiving and replying copy 28 bytes and never allocate.
public struct PacketInfo: Sendable, Equatable {
    var raw: CLinux_packet_info

    /// No packet info: a reply goes out as `sendto(2)` sends it.
    public static var none: PacketInfo {
        var raw = CLinux_packet_info()
        raw.traffic_class = -1
        return PacketInfo(raw: raw)
    }

    private init(raw: CLinux_packet_info) { self.raw = raw }

    /// `true` when the datagram carried neither a destination nor a traffic class.
    public var isEmpty: Bool { raw.family == 0 && raw.traffic_class < 0 }

    /// `true` when the datagram carried its destination (``destination`` is not `nil`).
    public var hasDestination: Bool { raw.family != 0 }

    /// The local address the datagram reached (port 0); `nil` without `IP_PKTINFO`/`IPV6_PKTINFO`.
    public var destination: SocketAddress? {
        var address = raw.address
        switch raw.family {
        case AF_INET:
            var ipv4 = sockaddr_in()
            ipv4.sin_family = sa_family_t(AF_INET)
            withUnsafeBytes(of: &address) { bytes in
                withUnsafeMutableBytes(of: &ipv4.sin_addr) {
                    $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<4]))
                }
            }
            return SocketAddress(ipv4)
        case AF_INET6:
            var ipv6 = sockaddr_in6()
            ipv6.sin6_family = sa_family_t(AF_INET6)
            withUnsafeBytes(of: &address) { bytes in
                withUnsafeMutableBytes(of: &ipv6.sin6_addr) { $0.copyMemory(from: bytes) }
            }
            return SocketAddress(ipv6)
        default:
            return nil
        }
    }

    /// The interface the datagram came in on (its index; 0 when unknown).
    public var interfaceIndex: UInt32 { raw.interface_index }

    /// The datagram's traffic class (TOS byte or IPv6 traffic class); `nil` when not asked for.
    public var trafficClass: UInt8? { raw.traffic_class < 0 ? nil : UInt8(raw.traffic_class) }

    /// Reads the packet info of a received message (`message`: its `msghdr`, with the control
    /// buffer the kernel filled).
    init(message: UnsafePointer<msghdr>) {
        var raw = CLinux_packet_info()
        CLinux_parse_packet_info(message, &raw)
        self.raw = raw
    }

    /// Reads the packet info from `length` bytes of control messages at `control` (what
    /// io_uring's multishot `recvmsg` lays out in a provided buffer).
    public init(control: UnsafeMutableRawPointer?, length: Int) {
        var header = msghdr()
        header.msg_control = control
        header.msg_controllen = control == nil ? 0 : length
        self.init(message: &header)
    }

    /// The control-buffer bytes one message needs for a receive (packet info, traffic class,
    /// a UDP_GRO segment size) or a reply (the same, or a UDP_SEGMENT size).
    public static let controlSpace = Int(CLinux_control_space())

    /// Writes the control messages that send a reply to `peer` from this packet info (and, with a
    /// `segmentSize`, as a GSO train) into `control` (``controlSpace`` bytes).
    /// - Returns: the `msg_controllen`; 0 when there is nothing to say.
    public func writeReplyControl(
        into control: UnsafeMutableRawPointer,
        to peer: SocketAddress,
        segmentSize: Int = 0
    ) -> Int {
        var raw = raw
        let isIPv4Peer = !peer.isIPv6 || peer.unmappingIPv4.isIPv6 == false
        return Int(CLinux_put_reply_control(control, &raw, isIPv4Peer ? 1 : 0, UInt16(clamping: segmentSize)))
    }

    public static func == (lhs: PacketInfo, rhs: PacketInfo) -> Bool {
        lhs.raw.family == rhs.raw.family && lhs.raw.interface_index == rhs.raw.interface_index
            && lhs.raw.traffic_class == rhs.raw.traffic_class
            && withUnsafeBytes(of: lhs.raw.address) { a in
                withUnsafeBytes(of: rhs.raw.address) { b in a.elementsEqual(b) }
            }
    }
}
