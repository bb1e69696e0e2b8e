/// An engine's unique name: 1–63 characters of `[A-Za-z0-9_.-]` (`DESIGN.md` §2).
public struct EngineName: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// The name as text.
    public let rawValue: String

    /// Why a text is not an engine name.
    public struct Invalid: Error, Equatable, Sendable, CustomStringConvertible {
        /// The rejected text.
        public let text: String
        public var description: String {
            "'\(text)' is not a valid engine name: use 1–63 characters of A–Z, a–z, 0–9, '_', '.' and '-'"
        }
    }

    /// Checks and wraps `text`.
    /// - Throws: ``Invalid`` when it is empty, longer than 63 characters or has another character.
    public init(_ text: String) throws(Invalid) {
        let allowed = text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2E || byte == 0x2D
        }
        guard (1...63).contains(text.utf8.count), allowed else { throw Invalid(text: text) }
        rawValue = text
    }

    /// The default name of an engine of `kind`: the kind itself.
    public init(defaultFor kind: EngineKind) {
        rawValue = kind.rawValue
    }

    public var description: String { rawValue }

    public static func < (lhs: EngineName, rhs: EngineName) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
