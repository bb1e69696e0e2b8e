import CURing
import Glibc
import UDPLabOS

/// An io_uring instance (io_uring(7)) and the receive buffers it provides to the kernel:
/// requests go into its submission queue, one `io_uring_enter(2)` submits them (and may wait),
/// and their results come back as ``Completion``s, read from shared memory without a syscall.
///
/// Only what backend `uring` needs: a multishot `recvmsg` that picks a free buffer per datagram
/// (a provided-buffer ring, Linux 5.19; multishot `recvmsg`, Linux 6.0), a `sendmsg` straight
/// from that buffer back to the sender (echo) or of any bytes to any address (relay), a
/// multishot poll (for the stop waker), cancellation, and a wait with a time limit.
/// Every buffer, header and completion slot is allocated here, once.
/// Set up on one thread, it is then started (``start()``) and used by the one that runs it.
public final class IOUring {
    /// One finished request (a multishot request finishes many times).
    public struct Completion {
        /// What the request was queued with, to tell requests apart.
        public let userData: UInt64
        /// The call's result: a byte count, or `-errno`.
        public let result: Int32
        private let flags: UInt32

        init(_ completion: CURing_completion) {
            userData = completion.user_data
            result = completion.res
            flags = completion.flags
        }

        /// The provided buffer a receive used, if it used one.
        public var bufferID: UInt16? { CURing_has_buffer(flags) != 0 ? CURing_buffer_id(flags) : nil }
        /// `true` while a multishot request stays armed after this completion.
        public var hasMore: Bool { CURing_has_more(flags) != 0 }
        /// A receive found no free provided buffer (`ENOBUFS`), which ends a multishot receive.
        public var isOutOfBuffers: Bool { result == -ENOBUFS }
        /// The request was cancelled (`ECANCELED`): the end of a multishot request at a stop.
        public var isCancelled: Bool { result == -ECANCELED }
        /// The failure, for a negative result.
        public func error(_ operation: String) -> SystemError? {
            result < 0 ? SystemError(code: -result, operation: operation) : nil
        }
    }

    /// A set-up that failed: the step, and the error it failed with.
    public struct SetupFailure: Error {
        /// What was being set up.
        public enum Step {
            /// The ring itself (`io_uring_setup`).
            case ring
            /// The provided-buffer ring (`io_uring_register_buf_ring`).
            case bufferRing
        }

        public let step: Step
        public let error: SystemError

        /// What the failure means for the user when it means io_uring cannot be used on this
        /// host (rather than, say, memory running out); `nil` otherwise. Told by step and errno.
        public var unavailability: String? {
            switch (step, error.code) {
            case (.ring, ENOSYS):
                "this kernel has no io_uring (io_uring_setup: ENOSYS)"
            case (.ring, EPERM), (.ring, EACCES):
                "io_uring is disabled for this process (\(error.description)): see sysctl "
                    + "kernel.io_uring_disabled and any seccomp filter, e.g. systemd's SystemCallFilter="
            case (.bufferRing, EINVAL):
                "this kernel lacks provided-buffer rings (Linux 5.19 or later)"
            default:
                nil
            }
        }
    }

    /// A datagram a multishot `recvmsg` wrote into provided buffer ``bufferID``.
    public struct Message {
        public let bufferID: UInt16
        /// The sender's address, inside the buffer.
        fileprivate let name: UnsafeMutableRawPointer
        fileprivate let nameLength: UInt32
        /// The payload as received (cut at the buffer's end when truncated).
        public let payload: UnsafeMutableRawBufferPointer
        /// The datagram's length on the wire.
        public let wireLength: Int
        /// `MSG_TRUNC` was set: the datagram did not fit.
        public let isTruncated: Bool
        /// Where it arrived and how it was marked, on a ring set up with room for control
        /// messages; otherwise ``PacketInfo/none``.
        public let packetInfo: PacketInfo

        /// The sender, decoded (for trace lines).
        public var source: SocketAddress? { IOUring.address(name, length: nameLength) }
    }

    private let ring: OpaquePointer
    /// The receive buffers, back to back; each holds the kernel's `io_uring_recvmsg_out`, the
    /// sender's address and the payload.
    private let buffers: UnsafeMutableRawPointer
    private let bufferStride: Int
    /// The header multishot `recvmsg` is queued with: it only tells the kernel how much room
    /// to leave for the address (an IPv6 one) and that there is no control data.
    private let receiveHeader: UnsafeMutablePointer<msghdr>
    /// One `sendmsg` header and I/O vector per buffer: a reply is sent from where it was received.
    private let sendHeaders: UnsafeMutableBufferPointer<msghdr>
    private let sendVectors: UnsafeMutableBufferPointer<iovec>
    /// Per buffer: `controlSize` bytes for the reply's control messages, and its packet info.
    private let controlSize: Int
    private let sendControls: UnsafeMutableRawPointer?
    private let replyPacketInfos: UnsafeMutableBufferPointer<PacketInfo>
    /// Per send header, the destination of a ``queueSend(_:to:header:on:userData:)``; `nil` on a
    /// ring set up without addressed sends.
    private let sendAddresses: UnsafeMutableBufferPointer<sockaddr_storage>?
    private let completions: UnsafeMutableBufferPointer<CURing_completion>

    /// Sets up a ring and registers `bufferCount` receive buffers for payloads of up to
    /// `payloadSize` bytes.
    ///
    /// - Parameters:
    ///   - completionBatch: the most completions one ``reap()`` returns.
    ///   - controlMessages: room in each buffer for control messages (``PacketInfo``), for a
    ///     socket that asks for them (a wildcard bind, `--reflect-tos`); each reply is then sent
    ///     with its request's packet info.
    ///   - addressedSends: room for the destination of each of the `bufferCount` send headers,
    ///     for ``queueSend(_:to:header:on:userData:)`` (the relay's sends).
    /// - Throws: ``SetupFailure``: `io_uring_setup` failing (`ENOSYS` without io_uring, `EPERM`
    ///   where it is disabled: `kernel.io_uring_disabled`, a seccomp filter), or
    ///   `io_uring_register_buf_ring` (`EINVAL` before Linux 5.19).
    public init(
        bufferCount: Int,
        payloadSize: Int,
        completionBatch: Int,
        controlMessages: Bool = false,
        addressedSends: Bool = false
    ) throws(SetupFailure) {
        // Room to submit a reply from every buffer, the receive, the poll and two cancellations.
        var entries = 1
        while entries < bufferCount + 4 { entries <<= 1 }
        var error: Int32 = 0
        guard let ring = CURing_create(UInt32(entries), &error) else {
            throw SetupFailure(step: .ring, error: SystemError(code: error, operation: "io_uring_setup"))
        }
        let nameLength = MemoryLayout<sockaddr_in6>.size
        let headerLength = 16  // struct io_uring_recvmsg_out
        // Exactly `payloadSize` bytes of room for the payload, so that truncation is as on the
        // other backends; each buffer starts 16-byte aligned.
        controlSize = controlMessages ? PacketInfo.controlSpace : 0
        let bufferSize = headerLength + nameLength + controlSize + payloadSize
        bufferStride = (bufferSize + 15) / 16 * 16
        buffers = .allocate(byteCount: bufferCount * bufferStride, alignment: 16)
        receiveHeader = .allocate(capacity: 1)
        receiveHeader.initialize(to: msghdr())
        receiveHeader.pointee.msg_namelen = socklen_t(nameLength)
        receiveHeader.pointee.msg_controllen = controlSize
        if controlMessages {
            let controls = UnsafeMutableRawPointer.allocate(byteCount: bufferCount * controlSize, alignment: 8)
            controls.initializeMemory(as: UInt8.self, repeating: 0, count: bufferCount * controlSize)
            sendControls = controls
        } else {
            sendControls = nil
        }
        replyPacketInfos = .allocate(capacity: bufferCount)
        replyPacketInfos.initialize(repeating: .none)
        sendHeaders = .allocate(capacity: bufferCount)
        sendVectors = .allocate(capacity: bufferCount)
        sendVectors.initialize(repeating: iovec())
        sendHeaders.initialize(repeating: msghdr())
        for index in 0..<bufferCount {
            sendHeaders[index].msg_iov = sendVectors.baseAddress! + index
            sendHeaders[index].msg_iovlen = 1
        }
        if addressedSends {
            let addresses = UnsafeMutableBufferPointer<sockaddr_storage>.allocate(capacity: bufferCount)
            addresses.initialize(repeating: sockaddr_storage())
            sendAddresses = addresses
        } else {
            sendAddresses = nil
        }
        completions = .allocate(capacity: completionBatch)
        self.ring = ring
        let result = CURing_provide_buffers(
            ring,
            buffers,
            UInt32(bufferCount),
            UInt32(bufferStride),
            UInt32(bufferSize)
        )
        if result < 0 {
            throw SetupFailure(
                step: .bufferRing,
                error: SystemError(code: -result, operation: "io_uring_register_buf_ring")
            )
        }
    }

    deinit {
        CURing_destroy(ring)
        buffers.deallocate()
        receiveHeader.deallocate()
        sendHeaders.deallocate()
        sendVectors.deallocate()
        sendControls?.deallocate()
        replyPacketInfos.deallocate()
        sendAddresses?.deallocate()
        completions.deallocate()
    }

    /// Makes the calling thread the ring's user: the only one that submits to it from now on.
    public func start() throws(SystemError) {
        let result = CURing_start(ring)
        if result < 0 { throw SystemError(code: -result, operation: "io_uring_register") }
    }

    /// Queues a multishot `recvmsg` on `socket`: one completion per datagram, each in a buffer
    /// the kernel takes from the provided ones, until they run out (`ENOBUFS`) or it is cancelled.
    /// - Returns: `false` when the submission queue is full.
    public func queueReceive(on socket: borrowing UDPSocket, userData: UInt64) -> Bool {
        CURing_prepare_recvmsg_multishot(ring, socket.descriptor.rawValue, receiveHeader, userData) == 0
    }

    /// The datagram a receive completion delivered, or `nil` when the completion carries none
    /// (an error, or a buffer too short for the kernel's header).
    public func message(of completion: Completion) -> Message? {
        guard completion.result >= 0, let id = completion.bufferID else { return nil }
        var parsed = CURing_message()
        let buffer = buffers + Int(id) * bufferStride
        guard CURing_parse_message(buffer, completion.result, receiveHeader, &parsed) == 0 else { return nil }
        return Message(
            bufferID: id,
            name: parsed.name,
            nameLength: parsed.name_length,
            payload: UnsafeMutableRawBufferPointer(start: parsed.payload, count: Int(parsed.length)),
            wireLength: Int(parsed.wire_length),
            isTruncated: parsed.flags & UInt32(MSG_TRUNC) != 0,
            packetInfo: controlSize == 0
                ? .none : PacketInfo(control: parsed.control, length: Int(parsed.control_length))
        )
    }

    /// Queues a `sendmsg` of `message`'s payload back to its sender, straight from its buffer,
    /// which stays in use until the send completes.
    /// - Returns: `false` when the submission queue is full.
    @inline(__always)
    public func queueReply(_ message: Message, on socket: borrowing UDPSocket, userData: UInt64) -> Bool {
        let index = Int(message.bufferID)
        sendVectors[index].iov_base = message.payload.baseAddress
        sendVectors[index].iov_len = message.payload.count
        sendHeaders[index].msg_name = message.name
        sendHeaders[index].msg_namelen = message.nameLength
        replyPacketInfos[index] = message.packetInfo
        if let sendControls, !message.packetInfo.isEmpty, let peer = message.source {
            let control = sendControls + index * controlSize
            sendHeaders[index].msg_control = control
            sendHeaders[index].msg_controllen = message.packetInfo.writeReplyControl(into: control, to: peer)
        } else {
            sendHeaders[index].msg_control = nil
            sendHeaders[index].msg_controllen = 0
        }
        return CURing_prepare_sendmsg(ring, socket.descriptor.rawValue, sendHeaders.baseAddress! + index, userData) == 0
    }

    /// The send headers: ``queueSend(_:to:header:on:userData:)`` takes one of `0..<sendHeaderCount`.
    public var sendHeaderCount: Int { sendHeaders.count }

    /// Queues a `sendmsg` of `bytes` to `destination`, with send header `header`: the bytes and
    /// the header stay in use until the send completes, and no other send may use that header
    /// meanwhile (nor a reply from buffer `header`).
    /// - Returns: `false` when the submission queue is full, or on a ring set up without
    ///   addressed sends.
    public func queueSend(
        _ bytes: UnsafeRawBufferPointer,
        to destination: SocketAddress,
        header index: Int,
        on socket: borrowing UDPSocket,
        userData: UInt64
    ) -> Bool {
        guard let sendAddresses, let address = sendAddresses.baseAddress.map({ $0 + index }) else { return false }
        sendVectors[index].iov_base = UnsafeMutableRawPointer(mutating: bytes.baseAddress)
        sendVectors[index].iov_len = bytes.count
        sendHeaders[index].msg_name = UnsafeMutableRawPointer(address)
        sendHeaders[index].msg_namelen = destination.store(in: address)
        sendHeaders[index].msg_control = nil
        sendHeaders[index].msg_controllen = 0
        return CURing_prepare_sendmsg(ring, socket.descriptor.rawValue, sendHeaders.baseAddress! + index, userData) == 0
    }

    /// Where the reply from buffer `id` went (for trace lines).
    public func replyDestination(_ id: UInt16) -> SocketAddress? {
        let header = sendHeaders[Int(id)]
        return header.msg_name.flatMap { Self.address($0, length: header.msg_namelen) }
    }

    /// The packet info the reply from buffer `id` went with (for counting and trace lines).
    public func replyPacketInfo(_ id: UInt16) -> PacketInfo { replyPacketInfos[Int(id)] }

    /// Decodes the `sockaddr` of `length` bytes at `name`.
    private static func address(_ name: UnsafeRawPointer, length: UInt32) -> SocketAddress? {
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(start: name, count: min(Int(length), raw.count)))
        }
        return SocketAddress(storage)
    }

    /// Hands buffer `id` back for the kernel to receive into again.
    @inline(__always)
    public func recycleBuffer(_ id: UInt16) {
        CURing_recycle_buffer(ring, id)
    }

    /// Queues a multishot poll for the readability of `eventFD`.
    /// - Returns: `false` when the submission queue is full.
    public func queuePoll(_ eventFD: borrowing EventFD, userData: UInt64) -> Bool {
        CURing_prepare_poll_multishot(ring, eventFD.descriptor.rawValue, userData) == 0
    }

    /// Queues the cancellation of the request queued with `target`.
    /// - Returns: `false` when the submission queue is full.
    public func queueCancel(_ target: UInt64, userData: UInt64) -> Bool {
        CURing_prepare_cancel(ring, target, userData) == 0
    }

    /// Requests queued and not yet submitted.
    public var queuedCount: Int { Int(CURing_queued(ring)) }

    /// Submits what is queued and waits until at least `count` completions are ready: one
    /// `io_uring_enter(2)`. Returns early (`EINTR`, or `EBUSY` while the completion queue
    /// overflows) with nothing lost: the caller reaps and comes back.
    /// With a `timeout`, it waits at most that long (`ETIME`: returns with nothing lost either).
    public func submit(waitingFor count: Int = 0, timeout: Duration? = nil) throws(SystemError) {
        let result: Int32
        if let timeout {
            let (seconds, attoseconds) = max(timeout, .zero).components
            let nanoseconds =
                seconds >= Int64.max / 1_000_000_000 ? Int64.max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
            result = CURing_submit_timeout(ring, UInt32(count), nanoseconds)
        } else {
            result = CURing_submit(ring, UInt32(count))
        }
        if result >= 0 || result == -EINTR || result == -EBUSY || result == -EAGAIN || result == -ETIME { return }
        throw SystemError(code: -result, operation: "io_uring_enter")
    }

    /// Submits what is queued to make room in a full submission queue: one `io_uring_enter(2)`,
    /// without waiting. Unlike ``submit(waitingFor:)`` it tolerates no early return (its caller,
    /// in the middle of a pass, cannot reap and come back): a queue it leaves full is an error.
    /// - Throws: `io_uring_enter` failing (`EBUSY`, `EAGAIN` included), or `EBUSY` when it
    ///   submitted nothing.
    public func submitToMakeRoom() throws(SystemError) {
        var result: Int32
        repeat { result = CURing_submit(ring, 0) } while result == -EINTR
        if result < 0 { throw SystemError(code: -result, operation: "io_uring_enter") }
        if result == 0 { throw SystemError(code: EBUSY, operation: "io_uring_enter") }
    }

    /// Takes up to a batch of ready completions off the ring (no syscall).
    /// - Returns: how many; read them with ``completion(_:)``.
    @inline(__always)
    public func reap() -> Int {
        Int(CURing_reap(ring, completions.baseAddress!, UInt32(completions.count)))
    }

    /// Completion `index` of the last ``reap()``.
    @inline(__always)
    public func completion(_ index: Int) -> Completion { Completion(completions[index]) }
}
