import Foundation

/// Reply parameters as `--json` prints them: one compact line, keys sorted, slashes unescaped.
enum JSONLine {
    /// `parameters` re-serialised compactly (a reply's JSON escapes `/` as `\/`, which is valid but
    /// hard to read in socket paths).
    ///
    /// - Parameter parameters: a JSON object, as received.
    /// - Returns: the object on one line; `parameters` as text when it is not valid JSON.
    static func text(of parameters: Data) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: parameters),
            let data = try? JSONSerialization.data(
                withJSONObject: object,
                options: [.sortedKeys, .withoutEscapingSlashes]
            )
        else { return String(decoding: parameters, as: UTF8.self) }
        return String(decoding: data, as: UTF8.self)
    }
}
