import FoundationEssentials

/// One varlink call: `{"method": "io.udplab.Start", "parameters": {…}, "oneway": true, "more": true}`.
public struct VarlinkCall: Sendable {
    /// The fully qualified method, e.g. `io.udplab.List`.
    public var method: String
    /// The parameters object (empty when absent or `null`).
    public var parameters: [String: JSONValue]
    /// The caller wants no reply.
    public var oneway: Bool
    /// The caller accepts several replies (`continues: true` on all but the last).
    public var more: Bool

    /// A call of `method` with `parameters`.
    public init<P: Encodable>(method: String, parameters: P, oneway: Bool = false, more: Bool = false) throws {
        self.method = method
        let encoded = try JSONEncoder.control.encode(parameters)
        self.parameters = try JSONDecoder().decode([String: JSONValue].self, from: encoded)
        self.oneway = oneway
        self.more = more
    }

    /// Decodes one frame (without its NUL).
    ///
    /// Keys of the call object other than the varlink ones are ignored (the spec's room for
    /// extensions); the varlink ones must have their types.
    /// - Throws: ``ControlError/protocolError(reason:)`` when the frame is not a JSON object with a
    ///   string `method`; ``ControlError/invalidParameter(parameter:reason:)`` when `parameters`
    ///   is not an object or `null`, when `oneway`, `more` or `upgrade` is not a boolean, or when
    ///   `upgrade` is asked for (no udplab method upgrades the connection).
    public init(frame: Data) throws(ControlError) {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: frame)
        } catch DecodingError.dataCorrupted(let context) {
            throw .protocolError(reason: "malformed JSON: \(context.debugDescription)")
        } catch {
            throw .protocolError(reason: "malformed JSON")
        }
        guard case .object(let object) = value else { throw .protocolError(reason: "a call must be a JSON object") }
        guard case .string(let method)? = object["method"] else {
            throw .protocolError(reason: "a call needs a string \"method\"")
        }
        self.method = method
        self.oneway = try Self.flag("oneway", in: object)
        self.more = try Self.flag("more", in: object)
        if try Self.flag("upgrade", in: object) {
            throw .invalidParameter(
                parameter: "upgrade",
                reason: "upgrade: no method of udplabd upgrades the connection"
            )
        }
        switch object["parameters"] ?? .null {
        case .null: self.parameters = [:]
        case .object(let parameters): self.parameters = parameters
        case let other:
            throw .invalidParameter(
                parameter: "parameters",
                reason: "parameters must be an object, not \(other.typeName)"
            )
        }
    }

    /// Whether a frame that is not a valid call still says `"oneway": true`: its error then gets no
    /// reply either, as the spec wants (a reply would be taken for the next call's).
    public static func asksForNoReply(_ frame: Data) -> Bool {
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: frame) else { return false }
        return object["oneway"] == .bool(true)
    }

    /// A boolean key of the call object; absent or `null` is `false`.
    private static func flag(_ key: String, in object: [String: JSONValue]) throws(ControlError) -> Bool {
        switch object[key] ?? .null {
        case .null: return false
        case .bool(let value): return value
        case let other:
            throw .invalidParameter(parameter: key, reason: "\(key) must be true or false, not \(other.typeName)")
        }
    }

    private struct Envelope: Encodable {
        var method: String
        var parameters: [String: JSONValue]
        var oneway: Bool?
        var more: Bool?
    }

    /// The call as a frame, NUL included.
    public func frame() throws -> Data {
        let envelope = Envelope(
            method: method,
            parameters: parameters,
            oneway: oneway ? true : nil,
            more: more ? true : nil
        )
        var data = try JSONEncoder.control.encode(envelope)
        data.append(0)
        return data
    }

    /// Decodes the parameters as `P`.
    /// - Throws: ``ControlError/invalidParameter(parameter:reason:)`` naming the first bad field:
    ///   one of the wrong type, out of its type's range, missing, or not a parameter of the method.
    public func decodeParameters<P: Decodable>(_ type: P.Type) throws(ControlError) -> P {
        try ParameterDecoder.decode(P.self, from: parameters, method: method)
    }
}

extension JSONEncoder {
    /// The encoder for control messages: compact, keys sorted so output is stable.
    public static var control: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
