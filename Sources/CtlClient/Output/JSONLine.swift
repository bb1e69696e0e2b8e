import FoundationEssentials
import UDPLabProtocol

/// Reply parameters as `--json` prints them: one compact line, keys sorted, slashes unescaped.
enum JSONLine {
    /// `parameters` re-serialised compactly with ``JSONEncoder/control`` (whatever spacing, key
    /// order or `\/` escapes the text had).
    ///
    /// - Parameter parameters: a JSON object, as received.
    /// - Returns: the object on one line; `parameters` as text when it is not valid JSON.
    static func text(of parameters: Data) -> String {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: parameters),
            let data = try? JSONEncoder.control.encode(value)
        else { return String(decoding: parameters, as: UTF8.self) }
        return String(decoding: data, as: UTF8.self)
    }
}
