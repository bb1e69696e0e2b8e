import FoundationEssentials

/// One varlink reply: `{"parameters": {…}, "continues": true}` or `{"error": "io.udplab.X", "parameters": {…}}`.
public struct VarlinkReply: Sendable {
    /// The error name, or `nil` for a successful reply.
    public var error: String?
    /// The parameters object as JSON.
    public var parameters: Data
    /// More replies follow (a `more` call's stream).
    public var continues: Bool

    /// A successful reply.
    public init<P: Encodable>(_ parameters: P, continues: Bool = false) throws {
        self.error = nil
        self.parameters = try JSONEncoder.control.encode(parameters)
        self.continues = continues
    }

    /// An error reply.
    public init(_ error: ControlError) {
        self.error = error.name
        self.parameters = (try? JSONEncoder.control.encode(error.parameters)) ?? Data("{}".utf8)
        self.continues = false
    }

    /// Decodes one frame (without its NUL).
    /// - Throws: ``ControlError/protocolError(reason:)`` when it is not a reply object.
    public init(frame: Data) throws(ControlError) {
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: frame) else {
            throw .protocolError(reason: "the reply is not a JSON object")
        }
        if case .string(let error)? = object["error"] { self.error = error } else { self.error = nil }
        if case .bool(let continues)? = object["continues"] {
            self.continues = continues
        } else {
            self.continues = false
        }
        // Kept when it is an object or a list (as a JSON text must be); `{}` when absent or not.
        switch object["parameters"] {
        case .some(let parameters) where parameters.isContainer:
            self.parameters = (try? JSONEncoder.control.encode(parameters)) ?? Data("{}".utf8)
        default:
            self.parameters = Data("{}".utf8)
        }
    }

    /// The reply as a frame, NUL included.
    public func frame() -> Data {
        var data = Data("{".utf8)
        if let error {
            data.append(Data("\"error\":".utf8))
            data.append((try? JSONEncoder.control.encode(error)) ?? Data("\"\"".utf8))
            data.append(Data(",".utf8))
        }
        data.append(Data("\"parameters\":".utf8))
        data.append(parameters)
        if continues {
            data.append(Data(",\"continues\":true".utf8))
        }
        data.append(Data("}".utf8))
        data.append(0)
        return data
    }

    /// Decodes the parameters as `P`.
    public func decodeParameters<P: Decodable>(_ type: P.Type) throws -> P {
        try JSONDecoder().decode(P.self, from: parameters)
    }
}

extension JSONValue {
    /// An object or a list: what a JSON text may hold at its top (RFC 4627, which varlink follows).
    fileprivate var isContainer: Bool {
        switch self {
        case .object, .array: true
        default: false
        }
    }
}
