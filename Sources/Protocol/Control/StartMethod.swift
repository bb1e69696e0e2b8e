/// `io.udplab.Start`: start (and, unless transient, persist) an engine.
///
/// Every option is optional and left out when not given, so the daemon applies its defaults and
/// checks which options apply to which kind (`--count` only for multisocket, and so on).
public enum StartMethod {
    public static let name = "io.udplab.Start"

    public struct Parameters: Sendable, Equatable {
        /// Defaults to the kind's name.
        public var name: String?
        /// `echo`, `multisocket`, `mixed`, `notify` or `empty`.
        public var kind: String
        /// The engine options given, each under its ``EngineOption/key`` on the wire.
        public var options: [EngineOption: EngineOptionValue]
        /// Not saved to the state file: gone after a restart.
        public var transient: Bool?

        public init(
            name: String? = nil,
            kind: String,
            options: [EngineOption: EngineOptionValue] = [:],
            transient: Bool? = nil
        ) {
            self.name = name
            self.kind = kind
            self.options = options
            self.transient = transient
        }
    }

    public struct Reply: Codable, Sendable, Equatable {
        public var engine: EngineInfo
        public init(engine: EngineInfo) { self.engine = engine }
    }
}

extension StartMethod.Parameters: RangedParameters {
    /// The options' ranges (``EngineOption``); those that depend on the backend (`budget` on
    /// `nio`) are checked with the spec (`InvalidSpec`).
    public static var integerRanges: [String: ClosedRange<Int>] {
        // A loop, not compactMap over `EngineOption.all`: that form crashes Swift 6.3.1's
        // optimizer (CopyPropagation, "Found outside of lifetime use") in release builds.
        var ranges: [String: ClosedRange<Int>] = [:]
        for option in EngineOption.all {
            if case .integer(let range, _) = option.values { ranges[option.key] = range }
        }
        return ranges
    }

    public static var numberRanges: [String: ClosedRange<Double>] {
        var ranges: [String: ClosedRange<Double>] = [:]
        for option in EngineOption.all {
            if case .seconds(let range) = option.values { ranges[option.key] = range }
        }
        return ranges
    }

    /// The method's parameters in the IDL: name, kind, each option's field, transient.
    public static var interfaceFields: String {
        (["name: ?string", "kind: string"] + EngineOption.all.map { "\($0.key): \($0.idlType)" } + ["transient: ?bool"])
            .map { "  " + $0 }.joined(separator: ",\n")
    }
}

extension StartMethod.Parameters: Codable {
    /// A field's name: `name`, `kind`, `transient` or an option's key.
    private struct Field: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Field.self)
        name = try container.decodeIfPresent(String.self, forKey: Field("name"))
        kind = try container.decode(String.self, forKey: Field("kind"))
        transient = try container.decodeIfPresent(Bool.self, forKey: Field("transient"))
        options = [:]
        for option in EngineOption.all {
            let key = Field(option.key)
            let value: EngineOptionValue?
            switch option.values {
            case .integer: value = try container.decodeIfPresent(Int.self, forKey: key).map(EngineOptionValue.integer)
            case .seconds:
                value = try container.decodeIfPresent(Double.self, forKey: key).map(EngineOptionValue.seconds)
            case .choice, .address, .text:
                value = try container.decodeIfPresent(String.self, forKey: key).map(EngineOptionValue.text)
            case .flag: value = try container.decodeIfPresent(Bool.self, forKey: key).map(EngineOptionValue.flag)
            }
            options[option] = value
        }
    }

    /// Encodes the options in ``EngineOption/all``'s order, each as its type's JSON.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Field.self)
        try container.encodeIfPresent(name, forKey: Field("name"))
        try container.encode(kind, forKey: Field("kind"))
        for option in EngineOption.all {
            guard let value = options[option] else { continue }
            let key = Field(option.key)
            switch value {
            case .integer(let integer): try container.encode(integer, forKey: key)
            case .seconds(let seconds): try container.encode(seconds, forKey: key)
            case .text(let text): try container.encode(text, forKey: key)
            case .flag(let flag): try container.encode(flag, forKey: key)
            }
        }
        try container.encodeIfPresent(transient, forKey: Field("transient"))
    }
}
