/// Why a value could not be stored in an engine option (``EngineSpec/set(_:to:)``): a name that
/// is not one of the option's choices, or a value it cannot take.
public enum EngineOptionError: Error, Equatable, Sendable {
    /// `text` is not one of the option's choices.
    case unknown(EngineOption, String)
    /// The value is not what the option takes; `reason` says why (`'x' is not a HOST:PORT address`).
    case invalid(EngineOption, reason: String)

    /// The option it is about.
    public var option: EngineOption {
        switch self {
        case .unknown(let option, _), .invalid(let option, _): option
        }
    }

    /// The message, naming the option as the user wrote it: `--bind` on the command line, `bind`
    /// in a config file or a `Start` call.
    public func message(naming spelling: String) -> String {
        switch self {
        case .unknown(let option, let text):
            "unknown \(option.name) '\(text)': use one of \((option.choices ?? []).joined(separator: ", "))"
        case .invalid(_, let reason): "invalid \(spelling): \(reason)"
        }
    }
}
