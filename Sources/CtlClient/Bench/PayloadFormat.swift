/// The layout of a bench request: where its sequence number and send timestamp go.
///
/// Both numbers are big-endian 64-bit values. A `plain` request starts with them; a `sockperf`
/// request starts with sockperf's 14-byte header (sequence number, flags, total length; see
/// `perf-anchors.md` §1.3) and carries them right after it, so that `sockperf server` answers it
/// as one of its own clients' requests. The rest of a request is zeros.
enum PayloadFormat: String, CaseIterable, Sendable {
    /// Sequence number and timestamp first: any echo server answers it.
    case plain
    /// sockperf's header first, with CLIENT and PONG_REQUEST set: sockperf's server, plain echo
    /// servers and udplab (with or without `--reply sockperf`) answer it.
    case sockperf

    /// The size of sockperf's header: sequence number (8), flags (2), total length (4).
    static let sockperfHeaderSize = 14
    /// Byte 9 is the low byte of sockperf's big-endian flags.
    static let sockperfFlagsByte = 9
    /// sockperf's CLIENT flag: its server answers only requests that carry it and clears it in the
    /// reply; sockperf's client ignores replies that still carry it.
    static let clientFlag: UInt8 = 0x01
    /// sockperf's PONG_REQUEST flag: the sender wants a reply.
    static let pongRequestFlag: UInt8 = 0x02

    /// Where the sequence number and timestamp start.
    var fieldsOffset: Int {
        switch self {
        case .plain: 0
        case .sockperf: Self.sockperfHeaderSize
        }
    }

    /// The smallest request: room for the header (if any), the sequence number and the timestamp.
    var minimumSize: Int { fieldsOffset + 16 }

    /// Writes the header (for `sockperf`), `sequence` and `timestamp` into the start of `request`,
    /// whose length is the datagram's length; the bytes after them are left as they are.
    ///
    /// - Parameters:
    ///   - sequence: the request's sequence number.
    ///   - timestamp: the `MonotonicClock` nanoseconds latency is measured from.
    ///   - request: at least ``minimumSize`` bytes.
    func writeRequest(sequence: UInt64, timestamp: UInt64, into request: UnsafeMutableRawBufferPointer) {
        if self == .sockperf {
            request.storeBytes(of: sequence.bigEndian, toByteOffset: 0, as: UInt64.self)
            request.storeBytes(
                of: UInt16(Self.clientFlag | Self.pongRequestFlag).bigEndian,
                toByteOffset: 8,
                as: UInt16.self
            )
            request.storeBytes(of: UInt32(request.count).bigEndian, toByteOffset: 10, as: UInt32.self)
        }
        request.storeBytes(of: sequence.bigEndian, toByteOffset: fieldsOffset, as: UInt64.self)
        request.storeBytes(of: timestamp.bigEndian, toByteOffset: fieldsOffset + 8, as: UInt64.self)
    }

    /// The sequence number of a reply, or `nil` when the datagram is not shaped like an echo of
    /// one of our requests.
    ///
    /// A `sockperf` reply must keep PONG_REQUEST, its length field and a header sequence number
    /// equal to ours; the CLIENT flag may be set (a verbatim echo) or cleared (sockperf's server,
    /// udplab's `--reply sockperf`). The timestamp is not read: latency comes from the client's
    /// own record of each request. (Neither sockperf's server nor `--reply sockperf` answers a
    /// `plain` request: it has no sockperf header asking for a reply.)
    ///
    /// - Parameter reply: the received bytes.
    func sequence(ofReply reply: UnsafeRawBufferPointer) -> UInt64? {
        guard reply.count >= minimumSize else { return nil }
        let sequence = UInt64(bigEndian: reply.loadUnaligned(fromByteOffset: fieldsOffset, as: UInt64.self))
        if self == .sockperf {
            let headerSequence = UInt64(bigEndian: reply.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            let length = UInt32(bigEndian: reply.loadUnaligned(fromByteOffset: 10, as: UInt32.self))
            guard headerSequence == sequence, reply[Self.sockperfFlagsByte] & Self.pongRequestFlag != 0,
                Int(length) == reply.count
            else { return nil }
        }
        return sequence
    }
}
