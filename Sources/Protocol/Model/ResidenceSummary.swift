/// Residence-time percentiles in nanoseconds (0 when nothing was recorded).
public struct ResidenceSummary: Codable, Sendable, Equatable {
    /// Datagrams measured (those echoed).
    public var count: UInt64
    public var p50: UInt64
    public var p99: UInt64
    public var p999: UInt64
    /// The exact largest value.
    public var max: UInt64

    public init(count: UInt64, p50: UInt64, p99: UInt64, p999: UInt64, max: UInt64) {
        self.count = count
        self.p50 = p50
        self.p99 = p99
        self.p999 = p999
        self.max = max
    }

    /// Nothing recorded.
    public static let empty = ResidenceSummary(count: 0, p50: 0, p99: 0, p999: 0, max: 0)
}
