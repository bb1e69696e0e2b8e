/// What an echo engine sends back (`--reply`).
public enum ReplyMode: String, CaseIterable, Codable, Sendable {
    /// The datagram as received.
    case echo
    /// The datagram with sockperf's CLIENT flag cleared, so `sockperf ping-pong` and
    /// `under-load` accept the reply (their client discards replies that still carry it).
    case sockperf

    /// The default: a verbatim echo.
    public static let `default` = ReplyMode.echo

    /// The length of sockperf's header: sequence number (8), flags (2), message length (4).
    static let sockperfHeaderLength = 14
    /// The byte holding the low half of sockperf's big-endian flags word.
    static let sockperfFlagsLowByte = 9
    /// sockperf's CLIENT flag in that byte.
    static let sockperfClientFlag: UInt8 = 0x01

    /// Turns the received datagram in `bytes` into the reply, in place: nothing for ``echo``;
    /// for ``sockperf``, clears the CLIENT flag of a datagram at least as long as sockperf's
    /// header (shorter ones go back unchanged).
    ///
    /// Applying it twice (a send retried after would-block) gives the same reply.
    @inline(__always)
    func apply(to bytes: UnsafeMutableRawBufferPointer) {
        guard self == .sockperf, bytes.count >= Self.sockperfHeaderLength else { return }
        bytes[Self.sockperfFlagsLowByte] &= ~Self.sockperfClientFlag
    }
}
