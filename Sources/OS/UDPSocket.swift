import CLinux
import Glibc

/// A bound, non-blocking, close-on-exec UDP socket.
///
/// Receiving and sending return ``IOResult``: an empty receive queue or a full send buffer is
/// `.wouldBlock`, never an error.
public struct UDPSocket: ~Copyable, Sendable {
    /// The socket's descriptor, for registration with a selector.
    public let descriptor: FileDescriptor
    /// The address the socket is bound to (with the kernel's port when port 0 was asked for).
    public let localAddress: SocketAddress
    /// The test seam that can make sends report would-block; `nil` outside tests.
    let sendGate: SendGate?
    /// What the kernel tells about each datagram received (``PacketInfo``); empty on the fast
    /// path, where receives are `recvfrom(2)` and sends `sendto(2)`.
    public let packetInfoOptions: PacketInfoOptions

    /// What a socket asks the kernel to tell about each datagram it receives.
    public struct PacketInfoOptions: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// The local address and interface each datagram reached (`IP_PKTINFO`,
        /// `IPV6_RECVPKTINFO`): what a wildcard bind needs to reply from the address asked.
        public static let destination = PacketInfoOptions(rawValue: 1)
        /// Each datagram's traffic class (`IP_RECVTOS`, `IPV6_RECVTCLASS`): `--reflect-tos`.
        public static let trafficClass = PacketInfoOptions(rawValue: 2)
    }

    /// Opens a socket and binds it to `address`.
    ///
    /// An IPv6 socket's `IPV6_V6ONLY` is set explicitly, whatever `net.ipv6.bindv6only` says:
    /// on by default, so `[::]:2000` and `0.0.0.0:2000` are separate engines; off with
    /// `dualStack`, so one socket on `[::]` also serves IPv4 (its peers appear as `::ffff:a.b.c.d`).
    /// `SO_REUSEADDR` is not set: a second bind to a busy address fails with `EADDRINUSE`.
    ///
    /// - Parameters:
    ///   - address: where to bind; port 0 lets the kernel choose.
    ///   - dualStack: for an IPv6 `address`, also receive IPv4 (`IPV6_V6ONLY` off); ignored for IPv4.
    ///   - reusePort: set `SO_REUSEPORT` before binding, so that several sockets of this user
    ///     share the address and the kernel spreads datagrams over them (`--threads`).
    ///   - packetInfo: what each receive should also learn (``PacketInfo``), set before the bind
    ///     so that no datagram arrives without it.
    ///   - sendGate: a test seam; see ``SendGate``.
    /// - Throws: ``SystemError`` from `socket(2)`, `setsockopt(2)`, `bind(2)` or `getsockname(2)`.
    public init(
        binding address: SocketAddress,
        dualStack: Bool = false,
        reusePort: Bool = false,
        packetInfo: PacketInfoOptions = [],
        sendGate: SendGate? = nil
    ) throws(SystemError) {
        let type = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let descriptor = FileDescriptor(rawValue: try systemCall("socket") { socket(address.family, type, 0) })
        if address.isIPv6 {
            var on: Int32 = dualStack ? 0 : 1
            _ = try systemCall("setsockopt(IPV6_V6ONLY)") {
                setsockopt(
                    descriptor.rawValue,
                    Int32(IPPROTO_IPV6),
                    IPV6_V6ONLY,
                    &on,
                    socklen_t(MemoryLayout<Int32>.size)
                )
            }
        }
        if reusePort {
            var on: Int32 = 1
            _ = try systemCall("setsockopt(SO_REUSEPORT)") {
                setsockopt(descriptor.rawValue, SOL_SOCKET, SO_REUSEPORT, &on, socklen_t(MemoryLayout<Int32>.size))
            }
        }
        if !packetInfo.isEmpty {
            _ = try systemCall("setsockopt(IP_PKTINFO/IP_RECVTOS)") {
                CLinux_enable_packet_info(
                    descriptor.rawValue,
                    address.isIPv6 ? 1 : 0,
                    dualStack ? 1 : 0,
                    packetInfo.contains(.destination) ? 1 : 0,
                    packetInfo.contains(.trafficClass) ? 1 : 0
                )
            }
        }
        _ = try systemCall("bind") { address.withSockAddr { Glibc.bind(descriptor.rawValue, $0, $1) } }

        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &bound) { pointer throws(SystemError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer throws(SystemError) in
                try systemCall("getsockname") { getsockname(descriptor.rawValue, sockaddrPointer, &length) }
            }
        }
        self.localAddress = SocketAddress(bound) ?? address
        self.descriptor = descriptor
        self.sendGate = sendGate
        self.packetInfoOptions = packetInfo
    }

    /// Receives one datagram into `buffer`.
    ///
    /// The kernel is asked with `MSG_TRUNC`, so a datagram longer than `buffer` is reported as
    /// truncated instead of silently cut short.
    ///
    /// The corresponding C call is `recvfrom(2)`.
    ///
    /// A socket with ``packetInfoOptions`` receives with `recvmsg(2)` instead, and the
    /// datagram carries its ``PacketInfo``.
    ///
    /// - Parameter buffer: where the payload goes.
    /// - Returns: the datagram's sizes and source, or `.wouldBlock` when none is queued.
    /// - Throws: ``SystemError`` for any other failure (e.g. `ECONNREFUSED` from an earlier send).
    @inline(__always)
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> IOResult<ReceivedDatagram> {
        if !packetInfoOptions.isEmpty { return try receiveMessage(into: buffer) }
        var source = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = try withUnsafeMutablePointer(to: &source) { pointer throws(SystemError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer throws(SystemError) in
                try nonBlockingCall("recvfrom") {
                    recvfrom(
                        descriptor.rawValue,
                        buffer.baseAddress,
                        buffer.count,
                        Int32(MSG_TRUNC),
                        sockaddrPointer,
                        &length
                    )
                }
            }
        }
        guard case .processed(let wireLength) = result else { return .wouldBlock }
        // The kernel gives an AF_INET/AF_INET6 socket's datagrams a source of that family; were
        // one ever not, it is a per-datagram error (counted and skipped), not a trap.
        guard let sender = SocketAddress(source) else {
            throw SystemError(code: EAFNOSUPPORT, operation: "recvfrom")
        }
        return .processed(ReceivedDatagram(wireLength: wireLength, bufferLength: buffer.count, source: sender))
    }

    /// Receives one datagram into `buffer` with `recvmsg(2)`, and its ``PacketInfo`` from the
    /// control messages the kernel adds.
    private func receiveMessage(
        into buffer: UnsafeMutableRawBufferPointer
    ) throws(SystemError) -> IOResult<ReceivedDatagram> {
        var source = sockaddr_storage()
        var vector = iovec(iov_base: buffer.baseAddress, iov_len: buffer.count)
        let descriptor = descriptor.rawValue
        return try withUnsafeMutablePointer(to: &source) { name throws(SystemError) in
            try withUnsafeMutablePointer(to: &vector) { vector throws(SystemError) in
                // On the stack: the control space is a small constant (144 bytes on Linux).
                try withUnsafeTemporaryAllocation(byteCount: PacketInfo.controlSpace, alignment: 8) {
                    control throws(SystemError) in
                    var message = msghdr()
                    message.msg_name = UnsafeMutableRawPointer(name)
                    message.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
                    message.msg_iov = vector
                    message.msg_iovlen = 1
                    message.msg_control = control.baseAddress
                    message.msg_controllen = control.count
                    let result = try nonBlockingCall("recvmsg") { recvmsg(descriptor, &message, Int32(MSG_TRUNC)) }
                    guard case .processed(let wireLength) = result else { return .wouldBlock }
                    guard let sender = SocketAddress(name.pointee) else {
                        throw SystemError(code: EAFNOSUPPORT, operation: "recvmsg")
                    }
                    return .processed(
                        ReceivedDatagram(
                            wireLength: wireLength,
                            bufferLength: buffer.count,
                            source: sender,
                            packetInfo: PacketInfo(message: &message)
                        )
                    )
                }
            }
        }
    }

    /// Sends `bytes` as one datagram to `address`; with a non-empty `packetInfo` (a reply to a
    /// datagram received with it), from the address and with the traffic class it names.
    ///
    /// The corresponding C call is `sendto(2)`, or `sendmsg(2)` with the control messages of
    /// ``PacketInfo/writeReplyControl(into:to:segmentSize:)``.
    ///
    /// - Returns: the number of bytes sent, or `.wouldBlock` when the send buffer is full (or the
    ///   test ``SendGate`` is closed).
    /// - Throws: ``SystemError`` for any other failure (e.g. `EMSGSIZE`, `ENETUNREACH`; `EINVAL`
    ///   for a source address the host no longer has).
    @inline(__always)
    public func send(
        _ bytes: UnsafeRawBufferPointer,
        to address: SocketAddress,
        packetInfo: PacketInfo = .none
    ) throws(SystemError) -> IOResult<Int> {
        if let sendGate, sendGate.admit(1) == 0 {
            return .wouldBlock
        }
        if !packetInfo.isEmpty { return try sendMessage(bytes, to: address, packetInfo: packetInfo) }
        return try nonBlockingCall("sendto") {
            address.withSockAddr { sendto(descriptor.rawValue, bytes.baseAddress, bytes.count, 0, $0, $1) }
        }
    }
}

extension UDPSocket {
    /// Sends `bytes` to `address` with `sendmsg(2)` and the control messages of `packetInfo`
    /// and, when not 0, a `UDP_SEGMENT` of `segmentSize` (a GSO train).
    func sendMessage(
        _ bytes: UnsafeRawBufferPointer,
        to address: SocketAddress,
        packetInfo: PacketInfo,
        segmentSize: Int = 0
    ) throws(SystemError) -> IOResult<Int> {
        var storage = sockaddr_storage()
        let addressLength = address.store(in: &storage)
        var vector = iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count)
        let descriptor = descriptor.rawValue
        return try withUnsafeMutablePointer(to: &storage) { name throws(SystemError) in
            try withUnsafeMutablePointer(to: &vector) { vector throws(SystemError) in
                try withUnsafeTemporaryAllocation(byteCount: PacketInfo.controlSpace, alignment: 8) {
                    control throws(SystemError) in
                    var message = msghdr()
                    message.msg_name = UnsafeMutableRawPointer(name)
                    message.msg_namelen = addressLength
                    message.msg_iov = vector
                    message.msg_iovlen = 1
                    message.msg_control = control.baseAddress
                    message.msg_controllen = packetInfo.writeReplyControl(
                        into: control.baseAddress!,
                        to: address,
                        segmentSize: segmentSize
                    )
                    return try nonBlockingCall("sendmsg") { sendmsg(descriptor, &message, 0) }
                }
            }
        }
    }
}

/// What ``UDPSocket/receive(into:)`` got.
public struct ReceivedDatagram: Sendable, Equatable {
    /// Bytes now in the buffer.
    public let byteCount: Int
    /// The datagram's length on the wire; larger than ``byteCount`` when it was truncated.
    public let wireLength: Int
    /// Who sent it.
    public let source: SocketAddress
    /// Where it arrived and how it was marked, on a socket with ``UDPSocket/packetInfoOptions``;
    /// otherwise ``PacketInfo/none``.
    public let packetInfo: PacketInfo

    init(wireLength: Int, bufferLength: Int, source: SocketAddress, packetInfo: PacketInfo = .none) {
        self.wireLength = wireLength
        self.byteCount = min(wireLength, bufferLength)
        self.source = source
        self.packetInfo = packetInfo
    }

    /// `true` when the datagram did not fit in the buffer and its tail was discarded.
    public var isTruncated: Bool { wireLength > byteCount }
}
