/// Control requests per method since the daemon started, and how many of them were refused for
/// lack of permission (`PermissionDenied`).
public struct ControlTally: Sendable, Equatable {
    /// The method (`io.udplab.Start`); calls of methods udplabd does not have count as `other`,
    /// so a client cannot grow the label set.
    public var method: String
    public var requests: UInt64
    public var denials: UInt64

    public init(method: String, requests: UInt64, denials: UInt64) {
        self.method = method
        self.requests = requests
        self.denials = denials
    }
}
