/// Names a registration: every event the ``Reactor`` delivers carries the token it was registered with.
///
/// Tokens are chosen by the caller, as in mio; they must be ≥ 0 (negative values are reserved).
public struct Token: Hashable, Sendable, CustomStringConvertible {
    /// The caller's number.
    public let rawValue: Int

    /// A token with value `rawValue` (≥ 0).
    public init(_ rawValue: Int) {
        // Internal invariant: tokens are constants or an executor's counter from 0; none comes from input.
        precondition(rawValue >= 0, "tokens must be ≥ 0; negative values are reserved")
        self.rawValue = rawValue
    }

    /// The value carried in `epoll_event.data`.
    var epollData: UInt64 { UInt64(rawValue) }

    public var description: String { "Token(\(rawValue))" }
}
