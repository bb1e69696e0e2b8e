/// One JSON value as it arrived, with integers kept apart from other numbers, so that a call's
/// fields can be checked exactly (`1.5`, `2^63` and `1e20` are not integers; `1` is not a boolean).
public enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    /// A number that a 64-bit signed integer holds exactly.
    case integer(Int64)
    /// Any other number: a fraction, an exponent form, or a whole number beyond 64 bits; one
    /// beyond a `Double`'s range (`1e400`) is infinite.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try Self.decodeUnlessMismatched([JSONValue].self, from: container, in: decoder) {
            self = .array(value)
        } else if let value = try Self.decodeUnlessMismatched([String: JSONValue].self, from: container, in: decoder) {
            self = .object(value)
        } else {
            // Not null, boolean, string, list or object, and no Double holds it: a huge number.
            self = .number(.infinity)
        }
    }

    /// `type` decoded, or `nil` when the value is of another kind (a fault inside it is thrown).
    private static func decodeUnlessMismatched<T: Decodable>(
        _ type: T.Type,
        from container: any SingleValueDecodingContainer,
        in decoder: any Decoder
    ) throws -> T? {
        do {
            return try container.decode(type)
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.count == decoder.codingPath.count {
            return nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// What kind of value this is, for error reasons ("got a string").
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}
