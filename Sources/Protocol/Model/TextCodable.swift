/// A value that travels (TOML, the wire, engines.json) as its text form: written as its
/// `description`, read back by `init(parsing:)`, whose error becomes a `DecodingError` naming
/// what is wrong. Engine option values with a syntax of their own conform (`--rate-limit 100/20`,
/// `--rate-limit-prefix 24/56`, `--deny-source-ports default,4789`).
public protocol TextCodable: Codable, CustomStringConvertible {
    /// Parses the text form, as the command line and the config file give it.
    init(parsing text: String) throws
}

extension TextCodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(error)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
