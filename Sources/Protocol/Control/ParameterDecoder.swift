/// Decodes a call's parameters object into a method's `Parameters` type, strictly, as varlink's
/// `org.varlink.service.InvalidParameter` wants: every problem names the top-level field it is
/// about (`queue`, not `parameters`), with a reason that says what the field must be.
///
/// Stricter than `JSONDecoder`: an integer field takes only a number that its type holds exactly
/// (`1.5`, `2^63`, `1e20` are refused, not rounded or clamped); a boolean takes only `true` or
/// `false`; and a field the method does not declare is refused rather than ignored, so a
/// misspelt option never silently falls back to its default. `null` is the same as absent.
public enum ParameterDecoder {
    /// Decodes `object` as `type`.
    /// - Parameters:
    ///   - type: the method's parameters.
    ///   - object: the call's `parameters` object.
    ///   - method: the method's name, for the reason of an unknown field.
    /// - Throws: ``ControlError/invalidParameter(parameter:reason:)`` naming the first bad field.
    public static func decode<P: Decodable>(
        _ type: P.Type,
        from object: [String: JSONValue],
        method: String
    ) throws(ControlError) -> P {
        let fields = FieldTracker()
        if let ranged = P.self as? any RangedParameters.Type {
            fields.integerRanges = ranged.integerRanges
            fields.numberRanges = ranged.numberRanges
        }
        let value: P
        do {
            value = try P(from: ValueDecoder(value: .object(object), path: [], fields: fields))
        } catch let error as ControlError {
            throw error
        } catch {
            throw .invalidParameter(parameter: "parameters", reason: "\(error)")
        }
        if let unknown = object.keys.filter({ !fields.used.contains($0) }).sorted().first {
            throw .invalidParameter(parameter: unknown, reason: "\(method) has no parameter '\(unknown)'")
        }
        return value
    }
}

/// The top-level fields a `Parameters` type asked for (every declared field is asked for, present
/// or not), so that the rest can be refused as unknown; and the ranges of its numeric fields.
private final class FieldTracker {
    var used: Set<String> = []
    var integerRanges: [String: ClosedRange<Int>] = [:]
    var numberRanges: [String: ClosedRange<Double>] = [:]
}

/// Where a value is: its top-level field and the path below it (`names[2]`).
private struct FieldPath {
    let components: [String]

    init(_ components: [String]) { self.components = components }

    /// The top-level field, which `InvalidParameter` names.
    var field: String { components.first ?? "parameters" }

    var text: String {
        components.dropFirst().reduce(field) { path, next in next.first == "[" ? path + next : path + "." + next }
    }

    func appending(_ component: String) -> FieldPath { FieldPath(components + [component]) }

    /// The error for a value here that is not what it must be.
    func invalid(_ requirement: String) -> ControlError {
        .invalidParameter(parameter: field, reason: "\(text) \(requirement)")
    }
}

/// The conversions every container shares: one JSON value to one Swift scalar, or the reason why not.
extension JSONValue {
    fileprivate func bool(at path: FieldPath) throws(ControlError) -> Bool {
        guard case .bool(let value) = self else { throw path.invalid("must be true or false, not \(typeName)") }
        return value
    }

    fileprivate func string(at path: FieldPath) throws(ControlError) -> String {
        guard case .string(let value) = self else { throw path.invalid("must be a string, not \(typeName)") }
        return value
    }

    fileprivate func integer<T: FixedWidthInteger>(
        _ type: T.Type,
        at path: FieldPath,
        in allowed: ClosedRange<Int>? = nil
    ) throws(ControlError) -> T {
        let requirement =
            "must be an integer from "
            + (allowed.map { "\($0.lowerBound) to \($0.upperBound)" } ?? "\(T.min) to \(T.max)")
        let exact: T?
        switch self {
        case .integer(let value): exact = T(exactly: value)
        // Whole numbers are accepted in exponent form (1e3) when they fit exactly.
        case .number(let value): exact = value.rounded() == value ? T(exactly: value) : nil
        default: throw path.invalid("\(requirement), not \(typeName)")
        }
        guard let exact, allowed.map({ range in Int(exactly: exact).map(range.contains) ?? false }) ?? true else {
            throw path.invalid("\(requirement), not \(self.numberText)")
        }
        return exact
    }

    /// A number as the error reason shows it.
    private var numberText: String {
        switch self {
        case .integer(let value): String(value)
        case .number(let value): value.isFinite ? String(value) : "a number too large for 64-bit floating point"
        default: typeName
        }
    }

    fileprivate func double(at path: FieldPath, in allowed: ClosedRange<Double>? = nil) throws(ControlError) -> Double {
        let requirement = "must be a number" + (allowed.map { " from \($0.text)" } ?? "")
        let value: Double
        switch self {
        case .integer(let integer): value = Double(integer)
        case .number(let number): value = number
        default: throw path.invalid("\(requirement), not \(typeName)")
        }
        guard value.isFinite, allowed?.contains(value) ?? true else {
            throw path.invalid("\(requirement), not \(numberText)")
        }
        return value
    }
}

/// A `Decoder` over one JSON value.
private struct ValueDecoder: Decoder {
    let value: JSONValue
    let path: FieldPath
    /// Set for the top-level object only.
    let fields: FieldTracker?

    init(value: JSONValue, path: [String], fields: FieldTracker?) {
        self.value = value
        self.path = FieldPath(path)
        self.fields = fields
    }

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw path.invalid("must be an object, not \(value.typeName)") }
        return KeyedDecodingContainer(ObjectContainer<Key>(object: object, path: path, fields: fields))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw path.invalid("must be a list, not \(value.typeName)") }
        return ArrayContainer(items: items, path: path)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValue(value: value, path: path)
    }
}

/// The fields of an object.
private struct ObjectContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: [String: JSONValue]
    let path: FieldPath
    let fields: FieldTracker?

    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

    private func at(_ key: Key) -> FieldPath {
        fields?.used.insert(key.stringValue)
        return path.components.isEmpty ? FieldPath([key.stringValue]) : path.appending(key.stringValue)
    }

    /// The value of `key`, which must be there and not `null`.
    private func required(_ key: Key) throws(ControlError) -> (JSONValue, FieldPath) {
        let path = at(key)
        guard let value = object[key.stringValue], value != .null else { throw path.invalid("is required") }
        return (value, path)
    }

    func contains(_ key: Key) -> Bool {
        _ = at(key)
        return object[key.stringValue] != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        _ = at(key)
        return (object[key.stringValue] ?? .null) == .null
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        let (value, path) = try required(key)
        return try value.bool(at: path)
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        let (value, path) = try required(key)
        return try value.string(at: path)
    }

    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        let (value, path) = try required(key)
        return try value.double(at: path, in: fields?.numberRanges[key.stringValue])
    }

    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        let (value, path) = try required(key)
        return Float(try value.double(at: path, in: fields?.numberRanges[key.stringValue]))
    }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(type, key) }

    private func integer<T: FixedWidthInteger>(_ type: T.Type, _ key: Key) throws(ControlError) -> T {
        let (value, path) = try required(key)
        return try value.integer(type, at: path, in: fields?.integerRanges[key.stringValue])
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let (value, path) = try required(key)
        return try T(from: ValueDecoder(value: value, path: path.components, fields: nil))
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, path) = try required(key)
        return try ValueDecoder(value: value, path: path.components, fields: nil).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let (value, path) = try required(key)
        return try ValueDecoder(value: value, path: path.components, fields: nil).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        ValueDecoder(value: .object(object), path: path.components, fields: nil)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ValueDecoder(value: object[key.stringValue] ?? .null, path: at(key).components, fields: nil)
    }
}

/// The items of a list.
private struct ArrayContainer: UnkeyedDecodingContainer {
    let items: [JSONValue]
    let path: FieldPath
    var currentIndex = 0

    init(items: [JSONValue], path: FieldPath) {
        self.items = items
        self.path = path
    }

    var codingPath: [any CodingKey] { [] }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    /// The next item and where it is.
    private mutating func next() throws(ControlError) -> (JSONValue, FieldPath) {
        guard !isAtEnd else { throw path.invalid("has too few items") }
        defer { currentIndex += 1 }
        return (items[currentIndex], path.appending("[\(currentIndex)]"))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool {
        let (value, path) = try next()
        return try value.bool(at: path)
    }

    mutating func decode(_ type: String.Type) throws -> String {
        let (value, path) = try next()
        return try value.string(at: path)
    }

    mutating func decode(_ type: Double.Type) throws -> Double {
        let (value, path) = try next()
        return try value.double(at: path)
    }

    mutating func decode(_ type: Float.Type) throws -> Float {
        let (value, path) = try next()
        return Float(try value.double(at: path))
    }

    mutating func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    private mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws(ControlError) -> T {
        let (value, path) = try next()
        return try value.integer(type, at: path)
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, path) = try next()
        return try T(from: ValueDecoder(value: value, path: path.components, fields: nil))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, path) = try next()
        return try ValueDecoder(value: value, path: path.components, fields: nil).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, path) = try next()
        return try ValueDecoder(value: value, path: path.components, fields: nil).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, path) = try next()
        return ValueDecoder(value: value, path: path.components, fields: nil)
    }
}

/// A lone value (what a `RawRepresentable` or a wrapper decodes from).
private struct SingleValue: SingleValueDecodingContainer {
    let value: JSONValue
    let path: FieldPath

    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool { value == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try value.bool(at: path) }
    func decode(_ type: String.Type) throws -> String { try value.string(at: path) }
    func decode(_ type: Double.Type) throws -> Double { try value.double(at: path) }
    func decode(_ type: Float.Type) throws -> Float { Float(try value.double(at: path)) }
    func decode(_ type: Int.Type) throws -> Int { try value.integer(type, at: path) }
    func decode(_ type: Int8.Type) throws -> Int8 { try value.integer(type, at: path) }
    func decode(_ type: Int16.Type) throws -> Int16 { try value.integer(type, at: path) }
    func decode(_ type: Int32.Type) throws -> Int32 { try value.integer(type, at: path) }
    func decode(_ type: Int64.Type) throws -> Int64 { try value.integer(type, at: path) }
    func decode(_ type: UInt.Type) throws -> UInt { try value.integer(type, at: path) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try value.integer(type, at: path) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try value.integer(type, at: path) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try value.integer(type, at: path) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try value.integer(type, at: path) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: ValueDecoder(value: value, path: path.components, fields: nil))
    }
}
