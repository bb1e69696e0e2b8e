/// The two text formats `/metrics` serves, chosen by the request's `Accept` header.
public enum ExpositionFormat: Sendable, Equatable {
    /// Prometheus' classic text format, 0.0.4: the default.
    case text
    /// OpenMetrics 1.0.0: when the client prefers `application/openmetrics-text` (Prometheus does).
    case openMetrics

    public var contentType: String {
        switch self {
        case .text: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// The format an `Accept` header asks for: OpenMetrics when its best `q` for
    /// `application/openmetrics-text` is above 0 and at least its best for the text format
    /// (`text/plain`, `text/*` or `*/*`); the text format otherwise, and without a header.
    public static func negotiated(accept: String?) -> ExpositionFormat {
        guard let accept else { return .text }
        var openMetrics = 0.0
        var text = 0.0
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingBlanks.lowercased() }
            guard let type = parts.first else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            switch type {
            case "application/openmetrics-text": openMetrics = max(openMetrics, quality)
            case "text/plain", "text/*", "*/*": text = max(text, quality)
            default: continue
            }
        }
        return openMetrics > 0 && openMetrics >= text ? .openMetrics : .text
    }

    /// The OpenMetrics form of swift-prometheus' text exposition.
    ///
    /// swift-prometheus 2.x writes only the classic format. The two differ, for what udplab
    /// exports, in two things, which this changes and nothing else: a counter's family is named
    /// without `_total` in its `# HELP` and `# TYPE` lines (its samples keep it), and the
    /// exposition ends with `# EOF`.
    public static func openMetrics(fromText text: [UInt8]) -> [UInt8] {
        let lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        let counters = Set(
            lines.compactMap { line -> [UInt8]? in
                let words = line.split(separator: UInt8(ascii: " "))
                guard words.count == 4, words[0] == [UInt8(ascii: "#")], Array(words[1]) == Array("TYPE".utf8),
                    Array(words[3]) == Array("counter".utf8)
                else { return nil }
                return Array(words[2])
            }
        )
        var output: [UInt8] = []
        output.reserveCapacity(text.count + 16)
        let suffix = Array("_total".utf8)
        for line in lines {
            let words = line.split(separator: UInt8(ascii: " "), maxSplits: 3)
            if words.count >= 3, words[0] == [UInt8(ascii: "#")],
                Array(words[1]) == Array("TYPE".utf8) || Array(words[1]) == Array("HELP".utf8),
                counters.contains(Array(words[2])), words[2].count > suffix.count,
                words[2].suffix(suffix.count).elementsEqual(suffix)
            {
                output += Array(words[0]) + [UInt8(ascii: " ")] + Array(words[1]) + [UInt8(ascii: " ")]
                output += Array(words[2].dropLast(suffix.count))
                if words.count == 4 { output += [UInt8(ascii: " ")] + Array(words[3]) }
            } else {
                output += line
            }
            output.append(UInt8(ascii: "\n"))
        }
        output += Array("# EOF\n".utf8)
        return output
    }
}

extension StringProtocol {
    /// Without leading and trailing blanks (spaces and tabs, as HTTP's OWS).
    fileprivate var trimmingBlanks: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
