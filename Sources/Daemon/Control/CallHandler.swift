import UDPLabProtocol

/// What a varlink socket's connections ask to answer calls: the control socket's
/// ``RequestHandler`` and the metrics socket's ``MetricsRequestHandler`` share one server and one
/// framing (``ControlServer``, ``ControlConnection``) and differ only in this.
protocol CallHandler: Sendable {
    /// The reply to `call` from `peer` (an error reply when it fails).
    func reply(to call: VarlinkCall, from peer: Peer) async -> VarlinkReply

    /// The replies to a `more` call that are known at once, each but the last with
    /// `continues: true`; `nil` when the call is answered by ``reply(to:from:)`` (or streamed).
    func replies(toMore call: VarlinkCall, from peer: Peer) async -> [VarlinkReply]?
}
