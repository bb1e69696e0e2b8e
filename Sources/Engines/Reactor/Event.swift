/// One readiness event: which registration, and what it is ready for.
public struct Event: Sendable, Equatable {
    /// The token the source was registered with.
    public let token: Token
    /// What the source is ready for.
    public let readiness: Readiness

    /// `true` when the source can be read (or has an error or hangup to report, which a read
    /// will surface).
    public var isReadable: Bool { !readiness.isDisjoint(with: [.readable, .error, .hangup]) }

    /// `true` when the source can be written.
    public var isWritable: Bool { readiness.contains(.writable) }
}

extension Event: CustomStringConvertible {
    public var description: String { "Event(\(token), readable: \(isReadable), writable: \(isWritable))" }
}
