import UDPLabOS
import UDPLabProtocol

/// The readiness a registration waits for.
public struct Interest: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Wake when the source can be read.
    public static let readable = Interest(rawValue: 1 << 0)
    /// Wake when the source can be written.
    public static let writable = Interest(rawValue: 1 << 1)
}

/// The readiness an ``Event`` reports.
public struct Readiness: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The source can be read.
    public static let readable = Readiness(rawValue: 1 << 0)
    /// The source can be written.
    public static let writable = Readiness(rawValue: 1 << 1)
    /// The source has an error pending.
    public static let error = Readiness(rawValue: 1 << 2)
    /// The peer hung up.
    public static let hangup = Readiness(rawValue: 1 << 3)

    /// Translates epoll's bits.
    init(_ flags: Epoll.Flags) {
        var readiness: Readiness = []
        if flags.contains(.readable) { readiness.insert(.readable) }
        if flags.contains(.writable) { readiness.insert(.writable) }
        if flags.contains(.error) { readiness.insert(.error) }
        if flags.contains(.hangup) { readiness.insert(.hangup) }
        self = readiness
    }
}

extension Epoll.Flags {
    /// The epoll bits for `interest` under `trigger`.
    init(_ interest: Interest, _ trigger: Trigger) {
        var flags: Epoll.Flags = []
        if interest.contains(.readable) { flags.insert(.readable) }
        if interest.contains(.writable) { flags.insert(.writable) }
        if trigger == .edge { flags.insert(.edgeTriggered) }
        self = flags
    }
}
