/// One engine option, declared once: its name on the command line, in a config file and on the
/// wire, the values it takes, the kinds and backends it applies to, its default and its help.
///
/// Every reader of engine options goes through this table (``all``): `udplabctl start` and
/// `udplabd run` share one ArgumentParser group built from it, a `[[engine]]` table's keys and
/// `io.udplab.Start`'s parameters are its keys, ``EngineSpec/problems()`` checks a spec by it,
/// and `--help`, the IDL and the man pages' and README's option tables are rendered from it.
/// Adding an option means adding an entry in `EngineOption+Table.swift`, a field to
/// ``EngineSpec``, the group's property, and the code that uses it.
public struct EngineOption: Sendable, Hashable, CustomStringConvertible {
    /// The values an option takes.
    public enum Values: Sendable {
        /// A whole number in `range`; `unit` follows it in messages (`bytes`).
        case integer(ClosedRange<Int>, unit: String?)
        /// A duration, in seconds on the wire; on the command line and in a config file a
        /// duration text (`200ms`, `1.5s`, `2m`).
        case seconds(ClosedRange<Double>)
        /// One of these names.
        case choice([String])
        /// An address, `HOST:PORT` or `[IPv6]:PORT`.
        case address
        /// A text of the form `syntax` says (`default`, `none` or a list of ports), checked
        /// when it is stored in a spec; `example` is one it takes (`default,4789`).
        case text(syntax: String, example: String)
        /// On or off; given means on.
        case flag
    }

    /// `queue`, `dual-stack`: the command line's `--queue`.
    public let name: String
    /// What it takes.
    public let values: Values
    /// The placeholder in `--help` and the man pages: `n`, `bytes`, `backend`.
    public let valueName: String
    /// The kinds it applies to.
    public let kinds: Set<EngineKind>
    /// Those kinds as an error names them: `echo engines`.
    public let kindsPhrase: String
    /// The echo backends it applies to, or `nil` for all of them.
    public let backends: Set<Backend>?
    /// Its default as a person reads it, derived from the values themselves (``EngineSpec``'s
    /// constants, ``BackendTraits``): evaluated when asked, since the backends' traits name options.
    let defaultDescription: @Sendable (EngineOption) -> String
    /// What it does, in plain text: the help line, and the meaning column of the docs' tables.
    public let help: String
    /// Stores a value in a spec (``EngineSpec/set(_:to:)``).
    let assign: @Sendable (inout EngineSpec, EngineOptionValue) throws(Refusal) -> Void
    /// The spec's value, or `nil` when the spec leaves the option at its default.
    let read: @Sendable (EngineSpec) -> EngineOptionValue?

    /// Why ``assign`` refused a value; ``EngineSpec/set(_:to:)`` names the option.
    enum Refusal: Error {
        /// Not one of the choices.
        case unknown(String)
        /// Not a value the option takes, and why.
        case invalid(String)
    }

    /// The default as a person reads it: `8 (32 on nio-async; at least --batch on mmsg, uring)`.
    public var defaultText: String { defaultDescription(self) }

    /// `queue`, `dual_stack`: the key in an `[[engine]]` table and the field of `io.udplab.Start`.
    public var key: String { String(name.map { $0 == "-" ? "_" : $0 }) }

    /// The value `spec` holds, or `nil` when it leaves the option at its default.
    public func value(in spec: EngineSpec) -> EngineOptionValue? { read(spec) }

    /// `--queue`.
    public var description: String { "--\(name)" }

    /// The option whose ``key`` is `key`.
    public static func named(key: String) -> EngineOption? { all.first { $0.key == key } }

    public static func == (lhs: EngineOption, rhs: EngineOption) -> Bool { lhs.name == rhs.name }

    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// The range in seconds, when it takes a duration.
    public var secondsRange: ClosedRange<Double>? {
        if case .seconds(let range) = values { return range }
        return nil
    }

    /// The names it takes, when it is a choice.
    public var choices: [String]? {
        if case .choice(let names) = values { return names }
        return nil
    }

    /// The IDL type of its field in `io.udplab.Start`: `?int`, `?float`, `?string`, `?bool`.
    public var idlType: String {
        switch values {
        case .integer: "?int"
        case .seconds: "?float"
        case .choice, .address, .text: "?string"
        case .flag: "?bool"
        }
    }
}
