import Foundation

/// One varlink call: `{"method": "io.udplab.Start", "parameters": {…}, "oneway": true, "more": true}`.
public struct VarlinkCall: Sendable {
    /// The fully qualified method, e.g. `io.udplab.List`.
    public var method: String
    /// The parameters object as JSON (`{}` when absent).
    public var parameters: Data
    /// The caller wants no reply.
    public var oneway: Bool
    /// The caller accepts several replies (`continues: true` on all but the last).
    public var more: Bool

    /// A call of `method` with `parameters`.
    public init<P: Encodable>(method: String, parameters: P, oneway: Bool = false, more: Bool = false) throws {
        self.method = method
        self.parameters = try JSONEncoder.control.encode(parameters)
        self.oneway = oneway
        self.more = more
    }

    private struct Envelope: Codable {
        var method: String
        var oneway: Bool?
        var more: Bool?
        var upgrade: Bool?
    }

    /// Decodes one frame (without its NUL).
    /// - Throws: ``ControlError/protocolError(reason:)`` when the frame is not a JSON call.
    public init(frame: Data) throws(ControlError) {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: frame) as? [String: Any] else {
                throw ControlError.protocolError(reason: "a call must be a JSON object")
            }
            object = parsed
        } catch let error as ControlError {
            throw error
        } catch {
            throw .protocolError(reason: "malformed JSON")
        }
        guard let method = object["method"] as? String else {
            throw .protocolError(reason: "a call needs a string \"method\"")
        }
        self.method = method
        self.oneway = object["oneway"] as? Bool ?? false
        self.more = object["more"] as? Bool ?? false
        let parameters = object["parameters"] ?? [String: Any]()
        guard parameters is [String: Any], let data = try? JSONSerialization.data(withJSONObject: parameters) else {
            throw .invalidParameter(parameter: "parameters")
        }
        self.parameters = data
    }

    /// The call as a frame, NUL included.
    public func frame() throws -> Data {
        var object: [String: Any] = ["method": method]
        object["parameters"] = try JSONSerialization.jsonObject(with: parameters)
        if oneway { object["oneway"] = true }
        if more { object["more"] = true }
        var data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        data.append(0)
        return data
    }

    /// Decodes the parameters as `P`.
    /// - Throws: ``ControlError/invalidParameter(parameter:)`` naming the first bad field.
    public func decodeParameters<P: Decodable>(_ type: P.Type) throws(ControlError) -> P {
        do {
            return try JSONDecoder().decode(P.self, from: parameters)
        } catch let error as DecodingError {
            throw .invalidParameter(parameter: error.parameterName)
        } catch {
            throw .invalidParameter(parameter: "parameters")
        }
    }
}

extension DecodingError {
    /// The name of the field a decoding error is about, as varlink's `InvalidParameter` wants it.
    var parameterName: String {
        let path: [any CodingKey]
        switch self {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
        case .keyNotFound(let key, let context):
            path = context.codingPath + [key]
        @unknown default:
            path = []
        }
        let name = path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return name.isEmpty ? "parameters" : name
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
