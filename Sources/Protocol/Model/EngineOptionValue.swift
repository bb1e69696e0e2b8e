/// A value given for an engine option, as the command line, a config file or a `Start` call
/// carries it: the option's ``EngineOption/Values`` say which case it must be.
public enum EngineOptionValue: Sendable, Hashable, CustomStringConvertible {
    case integer(Int)
    case seconds(Double)
    /// A choice's name or an address, checked when it is stored in a spec.
    case text(String)
    case flag(Bool)

    /// The value as a message shows it: `32`, `0.5s`, `epoll-edge`, `true`.
    public var description: String {
        switch self {
        case .integer(let value): String(value)
        case .seconds(let value): "\(value)s"
        case .text(let value): value
        case .flag(let value): String(value)
        }
    }

    /// The integer, when it is one.
    public var integer: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The seconds, when it is a duration.
    public var seconds: Double? {
        if case .seconds(let value) = self { return value }
        return nil
    }

    /// The text, when it is a name or an address.
    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The flag, when it is one.
    public var flag: Bool? {
        if case .flag(let value) = self { return value }
        return nil
    }
}
