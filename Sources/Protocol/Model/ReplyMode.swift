/// What an echo engine sends back (`--reply`).
public enum ReplyMode: String, CaseIterable, Codable, Sendable {
    /// The datagram as received, to every datagram.
    case echo
    /// What `sockperf server` (3.x) answers: only a client's request for a reply, as that
    /// request with its CLIENT flag cleared; no reply to anything else.
    case sockperf

    /// The default: a verbatim echo.
    public static let `default` = ReplyMode.echo

    /// The length of sockperf's header: sequence number (8), flags (2), message length (4), all
    /// big-endian (`MsgHeader::EFFECTIVE_SIZE` in sockperf's `message.h`).
    static let sockperfHeaderLength = 14
    /// The byte holding the low half of sockperf's big-endian flags word (every flag is in it).
    static let sockperfFlagsLowByte = 9
    /// Where sockperf's big-endian 32-bit message length starts.
    static let sockperfLengthOffset = 10
    /// sockperf's CLIENT flag: set by its client, cleared by its server in the reply.
    static let sockperfClientFlag: UInt8 = 0x01
    /// sockperf's PONG_REQUEST flag: the client wants this message answered.
    static let sockperfPongRequestFlag: UInt8 = 0x02
    /// sockperf's WARMUP flag: a warm-up message, which the server never answers.
    static let sockperfWarmupFlag: UInt8 = 0x04

    /// Turns the received datagram in `bytes` into its reply, in place, and says whether it gets
    /// one.
    ///
    /// ``echo`` answers every datagram unchanged. ``sockperf`` answers, as `sockperf server`
    /// does, a datagram that is one whole sockperf message (at least the 14-byte header, and its
    /// length field equal to the datagram's length) with CLIENT and PONG_REQUEST set and WARMUP
    /// clear, and clears CLIENT in it; nothing else is answered: a message without PONG_REQUEST
    /// (`under-load` asks for one reply in `--reply-every`, `throughput` for none), a warm-up
    /// message, another server's reply (CLIENT clear), and a datagram that is not one message
    /// (shorter than the header, or a length field that differs: sockperf's server would wait
    /// for the rest of the message or split the datagram, stream reassembly that does not
    /// apply to datagrams).
    ///
    /// - Returns: `true` when `bytes` now hold the reply to send; `false` when the datagram gets
    ///   no reply (`bytes` are then unchanged).
    @inline(__always)
    public func makeReply(in bytes: UnsafeMutableRawBufferPointer) -> Bool {
        guard self == .sockperf else { return true }
        guard bytes.count >= Self.sockperfHeaderLength else { return false }
        let flags = bytes[Self.sockperfFlagsLowByte]
        let wanted = Self.sockperfClientFlag | Self.sockperfPongRequestFlag
        guard flags & (wanted | Self.sockperfWarmupFlag) == wanted else { return false }
        let length = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: Self.sockperfLengthOffset, as: UInt32.self))
        guard length == bytes.count else { return false }
        bytes[Self.sockperfFlagsLowByte] = flags & ~Self.sockperfClientFlag
        return true
    }
}
