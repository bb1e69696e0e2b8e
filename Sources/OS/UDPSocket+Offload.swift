import CLinux
import Glibc

/// UDP generic receive and segmentation offload (`udp(7)`: `UDP_GRO`, `UDP_SEGMENT`), as the
/// kernel's `tools/testing/selftests/net/udpgso*.c` and quinn-udp use them.
///
/// With `UDP_GRO` on, one receive may return several datagrams of one flow coalesced into one
/// buffer, with a control message giving their size (``MessageBatch/segmentSize(at:)``); with
/// `UDP_SEGMENT`, one send of a buffer is cut by the kernel into datagrams of the given size
/// (``MessageBatch/prepareSend(_:_:to:segmentSize:)``, ``send(_:segmentSize:to:)``).
extension UDPSocket {
    /// The most a GRO buffer holds (and a GSO send may carry): a UDP datagram's largest payload
    /// rounded up to the IP length field's limit.
    public static let offloadBufferSize = 65535

    /// Turns `UDP_GRO` on: from now on a receive may return a coalesced buffer.
    ///
    /// The corresponding C call is `setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof one)`.
    /// - Throws: ``SystemError``; `ENOPROTOOPT` (``SystemError/isOffloadMissing``) where the
    ///   kernel lacks UDP GRO (before Linux 5.0).
    public func enableReceiveOffload() throws(SystemError) {
        let descriptor = descriptor.rawValue
        _ = try systemCall("setsockopt(UDP_GRO)") { CLinux_enable_udp_gro(descriptor) }
    }

    /// Asks the kernel whether it knows `UDP_SEGMENT`, without changing the socket (each send
    /// gives its own segment size in a control message).
    ///
    /// The corresponding C call is `getsockopt(fd, SOL_UDP, UDP_SEGMENT, …)`.
    /// - Throws: ``SystemError``; `ENOPROTOOPT` where the kernel lacks UDP GSO (before 4.18).
    public func checkSegmentationOffload() throws(SystemError) {
        let descriptor = descriptor.rawValue
        _ = try systemCall("getsockopt(UDP_SEGMENT)") { CLinux_probe_udp_segment(descriptor) }
    }

    /// Sends `bytes` as a train of datagrams of `segmentSize` bytes (the last one may be
    /// shorter) with one `sendmsg(2)` carrying a `UDP_SEGMENT` control message: what a GSO test
    /// client and `udplabctl bench --gso` send. Over loopback the train reaches a `UDP_GRO`
    /// socket whole, as one coalesced buffer; any other socket receives the datagrams one by one.
    ///
    /// - Returns: the bytes sent, or `.wouldBlock` when the send buffer is full.
    /// - Throws: ``SystemError``: `EINVAL` for a train of more segments than the kernel's
    ///   `UDP_MAX_SEGMENTS` (128; 64 on older kernels) or one the route
    ///   cannot carry, `EIO` where the device cannot checksum it (``SystemError/isOffloadRefused``).
    public func send(
        _ bytes: UnsafeRawBufferPointer,
        segmentSize: Int,
        to address: SocketAddress
    ) throws(SystemError) -> IOResult<Int> {
        try sendMessage(bytes, to: address, packetInfo: .none, segmentSize: segmentSize)
    }
}

extension SystemError {
    /// `true` when the kernel lacks the socket option (`ENOPROTOOPT`): UDP GRO or GSO is missing.
    public var isOffloadMissing: Bool { code == ENOPROTOOPT }

    /// `true` when the kernel refused a `UDP_SEGMENT` send (`EIO`: the device cannot checksum
    /// it; `EINVAL`: the segment size or count does not fit the route, or `SO_NO_CHECK` is set),
    /// where quinn-udp and msquic stop using GSO and send datagram by datagram.
    public var isOffloadRefused: Bool { code == EIO || code == EINVAL }
}
