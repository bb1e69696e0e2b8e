/// The two ways udplab writes a length of time as text: one grammar, a number and a unit, with
/// two forms because a config file has numbers of its own.
///
/// - ``commandLine``: a decimal number with an optional unit `ms`, `s` (the default) or `m`:
///   `5`, `5s`, `1.5s`, `500ms`, `2m`. Every duration option of `udplabctl` and `udplabd run`.
/// - ``configFile``: a whole number and a unit `ms`, `s`, `m` or `h`: `"500ms"`, `"60s"`, `"2m"`,
///   `"1h"`. TOML strings in `udplabd.toml` (a bare number of seconds is a TOML number there),
///   and `udplabd --control-idle-timeout`.
///
/// Neither takes a sign, an exponent, blanks or a leading or trailing `.`; the range is the
/// caller's to check (``Duration/init(parsing:as:)`` only refuses what no `Duration` holds).
public enum DurationSyntax: Sendable, Equatable {
    case commandLine
    case configFile

    /// The units this form takes, longest suffix first so that `ms` is not read as `m`.
    var units: [(suffix: String, attoseconds: Int128)] {
        let second: Int128 = 1_000_000_000_000_000_000
        let common: [(String, Int128)] = [("ms", second / 1000), ("s", second), ("m", 60 * second)]
        return self == .configFile ? common + [("h", 3600 * second)] : common
    }

    /// A number without a unit is seconds (command line) or not a duration (config file).
    var isUnitOptional: Bool { self == .commandLine }

    /// The number may have a fraction, `1.5s` (command line), or must be whole (config file).
    var allowsFraction: Bool { self == .commandLine }

    /// How problems show this form: `500ms, 1.5s or 2m`.
    public var examples: String {
        switch self {
        case .commandLine: "5, 500ms, 1.5s or 2m"
        case .configFile: "\"500ms\", \"60s\", \"2m\" or \"1h\""
        }
    }
}
