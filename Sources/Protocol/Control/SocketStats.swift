/// Datagrams received on one socket of an engine that has several (multisocket), as `Stats`
/// reports them.
public struct SocketStats: Codable, Sendable, Equatable {
    /// The socket's bound address.
    public var address: String
    /// Datagrams received on it.
    public var rxDatagrams: UInt64
    /// The `--threads` lane whose socket it is, when the engine has lanes (their sockets share one
    /// address); `nil` for a multisocket engine's sockets.
    public var thread: Int?

    public init(address: String, rxDatagrams: UInt64, thread: Int? = nil) {
        self.address = address
        self.rxDatagrams = rxDatagrams
        self.thread = thread
    }

    enum CodingKeys: String, CodingKey {
        case address
        case rxDatagrams = "rx_datagrams"
        case thread
    }
}
