/// Datagrams received on one socket of an engine that has several (multisocket), as `Stats`
/// reports them.
public struct SocketStats: Codable, Sendable, Equatable {
    /// The socket's bound address.
    public var address: String
    /// Datagrams received on it.
    public var rxDatagrams: UInt64

    public init(address: String, rxDatagrams: UInt64) {
        self.address = address
        self.rxDatagrams = rxDatagrams
    }

    enum CodingKeys: String, CodingKey {
        case address
        case rxDatagrams = "rx_datagrams"
    }
}
