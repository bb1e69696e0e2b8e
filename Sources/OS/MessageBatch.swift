import CLinux
import Glibc

/// The message headers, I/O vectors and address slots for up to ``capacity`` datagrams moved by
/// one `recvmmsg(2)` or `sendmmsg(2)`, allocated once so that a batch allocates nothing.
///
/// The batch does not own the payload buffers: each message points at a buffer the caller
/// chooses (``prepareReceive(_:into:)``, ``prepareSend(_:_:to:)``), so an echo engine receives
/// straight into its outgoing queue's slots and sends straight from them.
///
/// A batch made with ``init(capacity:controlMessages:)`` `true` also has one control buffer per
/// message, for UDP GRO and GSO (backend gso) and packet info (a wildcard bind, `--reflect-tos`):
/// a receive learns each buffer's segment size (``segmentSize(at:)``) and ``PacketInfo``
/// (``datagram(at:)``), a send may carry a segment size and a packet info
/// (``prepareSend(_:_:to:segmentSize:packetInfo:)``).
public final class MessageBatch {
    /// The most datagrams one call moves.
    public let capacity: Int
    /// `struct mmsghdr`s: each a `msghdr` followed by `msg_len`, padded to `msghdr`'s alignment
    /// (the layout `CLinux.h` describes and `shim.c` checks).
    private let headers: UnsafeMutableRawPointer
    private let vectors: UnsafeMutableBufferPointer<iovec>
    private let addresses: UnsafeMutableBufferPointer<sockaddr_storage>
    /// `controlSize` bytes per message for its control messages (UDP_GRO or UDP_SEGMENT, packet
    /// info, traffic class), or none.
    private let controls: UnsafeMutableRawPointer?
    private let controlSize: Int

    /// The offset of `msg_len` in a `struct mmsghdr`.
    private static let lengthOffset = MemoryLayout<msghdr>.size
    /// The size of a `struct mmsghdr`.
    private static let stride =
        (MemoryLayout<msghdr>.size + MemoryLayout<UInt32>.size + MemoryLayout<msghdr>.alignment - 1)
        / MemoryLayout<msghdr>.alignment * MemoryLayout<msghdr>.alignment

    /// Allocates headers, vectors and addresses for `capacity` datagrams, each header pointing
    /// at its own vector and address slot, and, with `controlMessages`, a control buffer each
    /// (``PacketInfo/controlSpace`` bytes).
    public init(capacity: Int, controlMessages: Bool = false) {
        // Internal invariant: capacities are `--batch` (validated 1–1024) or constants.
        precondition(capacity > 0)
        self.capacity = capacity
        controlSize = controlMessages ? PacketInfo.controlSpace : 0
        if controlMessages {
            let controls = UnsafeMutableRawPointer.allocate(byteCount: capacity * controlSize, alignment: 8)
            controls.initializeMemory(as: UInt8.self, repeating: 0, count: capacity * controlSize)
            self.controls = controls
        } else {
            controls = nil
        }
        headers = .allocate(byteCount: capacity * Self.stride, alignment: MemoryLayout<msghdr>.alignment)
        headers.initializeMemory(as: UInt8.self, repeating: 0, count: capacity * Self.stride)
        vectors = .allocate(capacity: capacity)
        addresses = .allocate(capacity: capacity)
        vectors.initialize(repeating: iovec())
        addresses.initialize(repeating: sockaddr_storage())
        for index in 0..<capacity {
            var header = msghdr()
            header.msg_name = UnsafeMutableRawPointer(addresses.baseAddress! + index)
            header.msg_iov = vectors.baseAddress! + index
            header.msg_iovlen = 1
            (headers + index * Self.stride).initializeMemory(as: msghdr.self, to: header)
        }
    }

    deinit {
        headers.deallocate()
        vectors.deallocate()
        addresses.deallocate()
        controls?.deallocate()
    }

    /// The `msghdr` of message `index`.
    @inline(__always)
    private func header(_ index: Int) -> UnsafeMutablePointer<msghdr> {
        (headers + index * Self.stride).assumingMemoryBound(to: msghdr.self)
    }

    /// The `msg_len` of message `index`: the bytes the last call received or sent.
    @inline(__always)
    private func length(_ index: Int) -> Int {
        Int(headers.load(fromByteOffset: index * Self.stride + Self.lengthOffset, as: UInt32.self))
    }

    /// Makes message `index` receive into `buffer`, with room for any source address.
    @inline(__always)
    public func prepareReceive(_ index: Int, into buffer: UnsafeMutableRawBufferPointer) {
        vectors[index] = iovec(iov_base: buffer.baseAddress, iov_len: buffer.count)
        // The kernel shortens msg_namelen to the address it wrote, and always writes msg_flags;
        // it shortens msg_controllen to the control messages it wrote.
        header(index).pointee.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
        if let controls {
            header(index).pointee.msg_control = controls + index * controlSize
            header(index).pointee.msg_controllen = controlSize
        }
    }

    /// The segment size message `index` of the last receive carries in its UDP_GRO control
    /// message, or `nil` when it has none (the buffer holds one datagram, or the batch has no
    /// control buffers). The kernel gives one only for a buffer it coalesced from several
    /// datagrams of that size (the last may be shorter), on a socket with UDP_GRO enabled.
    @inline(__always)
    public func segmentSize(at index: Int) -> Int? {
        guard controls != nil else { return nil }
        let size = Int(CLinux_udp_gro_segment_size(header(index)))
        return size > 0 ? size : nil
    }

    /// Makes message `index` send `bytes` to `address`: as one datagram, or, with a
    /// `segmentSize` (UDP GSO, only on a batch with control buffers), as a train the kernel cuts
    /// into datagrams of `segmentSize` bytes, the last one shorter if need be; with a
    /// `packetInfo` (only on a batch with control buffers), from the address and with the
    /// traffic class it names.
    @inline(__always)
    public func prepareSend(
        _ index: Int,
        _ bytes: UnsafeRawBufferPointer,
        to address: SocketAddress,
        segmentSize: Int? = nil,
        packetInfo: PacketInfo = .none
    ) {
        vectors[index] = iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count)
        header(index).pointee.msg_namelen = address.store(in: addresses.baseAddress! + index)
        if let controls, segmentSize != nil || !packetInfo.isEmpty {
            let control = controls + index * controlSize
            header(index).pointee.msg_control = control
            header(index).pointee.msg_controllen = packetInfo.writeReplyControl(
                into: control,
                to: address,
                segmentSize: segmentSize ?? 0
            )
        } else {
            header(index).pointee.msg_control = nil
            header(index).pointee.msg_controllen = 0
        }
    }

    /// Receives up to `count` datagrams into the buffers of messages `0..<count`.
    ///
    /// The kernel is asked with `MSG_TRUNC`, so each message's length is its length on the wire
    /// and a datagram longer than its buffer is reported as truncated (``datagram(at:)``).
    ///
    /// The corresponding C call is `recvmmsg(2)`, without a timeout. On a non-blocking socket it
    /// returns fewer than `count` only when the next receive would block (an unconnected UDP
    /// socket without `IP_RECVERR` has no other error to report after a first datagram), so a
    /// short count means the socket is drained.
    ///
    /// - Returns: how many datagrams were received (at least 1), or `.wouldBlock` when none was
    ///   queued.
    /// - Throws: ``SystemError`` for any other failure.
    @inline(__always)
    public func receive(from socket: borrowing UDPSocket, count: Int) throws(SystemError) -> IOResult<Int> {
        // Internal invariant: EchoPath asks for min(limit, capacity, free slots or capacity), each
        // ≥ 1 (backend mmsg passes a limit ≥ 1, a queue that is not full has a free slot).
        precondition(count > 0 && count <= capacity)
        let descriptor = socket.descriptor.rawValue
        let result = try nonBlockingCall("recvmmsg") {
            CLinux_recvmmsg(descriptor, headers, UInt32(count), Int32(MSG_TRUNC))
        }
        guard case .processed(let received) = result else { return .wouldBlock }
        return .processed(Int(received))
    }

    /// What message `index` of the last ``receive(from:count:)`` got.
    @inline(__always)
    public func datagram(at index: Int) -> ReceivedDatagram {
        // With MSG_TRUNC asked for, msg_len is the wire length; msg_flags says the same.
        var wireLength = length(index)
        if header(index).pointee.msg_flags & Int32(MSG_TRUNC) != 0 {
            wireLength = max(wireLength, vectors[index].iov_len + 1)
        }
        // A kernel invariant, not an input: for every datagram on an AF_INET or AF_INET6 UDP socket,
        // recvmmsg fills msg_name with a sockaddr of the socket's own family (udp_recvmsg,
        // udpv6_recvmsg), so no datagram can make this nil.
        let source = SocketAddress(addresses[index])!
        return ReceivedDatagram(
            wireLength: wireLength,
            bufferLength: vectors[index].iov_len,
            source: source,
            packetInfo: controls == nil ? .none : PacketInfo(message: header(index))
        )
    }

    /// Sends messages `0..<count` on `socket`.
    ///
    /// The corresponding C call is `sendmmsg(2)`. It may send fewer than `count`: the first
    /// message it could not send would block or failed, and the next call reports which.
    ///
    /// - Returns: how many datagrams were sent (at least 1), or `.wouldBlock` when the send
    ///   buffer is full (or the test ``SendGate`` admits none; it may also admit only some).
    /// - Throws: ``SystemError`` when the first message fails (e.g. `EMSGSIZE`).
    @inline(__always)
    public func send(on socket: borrowing UDPSocket, count: Int) throws(SystemError) -> IOResult<Int> {
        // Internal invariant: EchoPath sends min(queued, capacity), and only when something is queued.
        precondition(count > 0 && count <= capacity)
        let admitted = socket.sendGate?.admit(count) ?? count
        if admitted == 0 { return .wouldBlock }
        let descriptor = socket.descriptor.rawValue
        let result = try nonBlockingCall("sendmmsg") {
            CLinux_sendmmsg(descriptor, headers, UInt32(admitted), 0)
        }
        guard case .processed(let sent) = result else { return .wouldBlock }
        return .processed(Int(sent))
    }

    /// The bytes message `index` of the last ``send(on:count:)`` sent.
    @inline(__always)
    public func sentByteCount(at index: Int) -> Int { length(index) }
}
