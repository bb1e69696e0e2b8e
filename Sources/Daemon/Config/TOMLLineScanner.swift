/// A cursor over TOML text that knows just enough of the syntax to split it into statements (table
/// headers and `key = value` pairs) and say on which line each starts.
///
/// TOMLKit 0.6 reports a line only for syntax errors, never for the keys of a parsed document, so
/// ``ConfigSourceMap`` walks the text again with this scanner. It skips comments, strings of all
/// four kinds and values spanning lines (arrays, inline tables, multi-line strings), so a `[` or
/// `key =` inside them is not taken for a statement.
/// - Important: It expects text TOMLKit has accepted; on invalid TOML it still ends, but its lines
///   mean nothing.
struct TOMLLineScanner {
    /// One statement of the document.
    enum Statement {
        /// `[a.b]` or `[[a.b]]`: the dotted key path, whether it is an array of tables, and its line.
        case header(path: [String], isArray: Bool, line: Int)
        /// `a.b = value`: the dotted key path, the value as written (comment and blanks removed),
        /// and the line of the key.
        case keyValue(path: [String], valueText: String, line: Int)
    }

    private let bytes: [UInt8]
    private var index: Int
    private var line = 1

    /// Starts at the beginning of `text`, after a byte order mark if there is one.
    init(text: String) {
        bytes = Array(text.utf8)
        index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    /// Reads the next statement.
    /// - Returns: the statement, or `nil` at the end of the text.
    mutating func nextStatement() -> Statement? {
        skipTrivia()
        guard index < bytes.count else { return nil }
        let start = line
        if bytes[index] == UInt8(ascii: "[") {
            let isArray = index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "[")
            index += isArray ? 2 : 1
            let path = readKeyPath()
            skipRestOfLine()
            return .header(path: path, isArray: isArray, line: start)
        }
        let path = readKeyPath()
        index += 1  // the `=`, which valid TOML has here
        skipBlanks()
        let valueStart = index
        skipValue()
        var valueEnd = index
        while valueEnd > valueStart, Self.isBlank(bytes[valueEnd - 1]) { valueEnd -= 1 }
        let valueText = String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)
        return .keyValue(path: path, valueText: valueText, line: start)
    }

    // MARK: - Keys

    /// Reads `a.b."c d"` up to what follows it (`=` or `]`).
    /// - Returns: the segments; a quoted one without its quotes, escapes left as written.
    private mutating func readKeyPath() -> [String] {
        var path: [String] = []
        repeat {
            skipBlanks()
            path.append(readKey())
            skipBlanks()
        } while consume(UInt8(ascii: "."))
        return path
    }

    /// Reads one bare or quoted key.
    private mutating func readKey() -> String {
        let start = index
        guard index < bytes.count, let quote = Self.quote(bytes[index]) else {
            while index < bytes.count, Self.isBareKeyByte(bytes[index]) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        skipString(quote: quote)
        let end = max(start + 1, index - 1)
        return String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
    }

    // MARK: - Values

    /// Skips a value up to the end of its last line, or to a comment after it, counting the lines
    /// that arrays, inline tables and multi-line strings span.
    private mutating func skipValue() {
        var depth = 0
        while index < bytes.count {
            let byte = bytes[index]
            if let quote = Self.quote(byte) {
                if startsTripleQuote(quote) { skipMultilineString(quote: quote) } else { skipString(quote: quote) }
                continue
            }
            switch byte {
            case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: "#"):
                guard depth > 0 else { return }
                skipRestOfLine()
                continue
            case UInt8(ascii: "\n"):
                guard depth > 0 else { return }
                line += 1
            default: break
            }
            index += 1
        }
    }

    /// Skips a one-line string from its opening quote to just past its closing one.
    /// - Parameter quote: `"` (escapes with `\`) or `'` (literal: no escapes).
    private mutating func skipString(quote: UInt8) {
        index += 1
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") {
            let byte = bytes[index]
            index += 1
            if byte == quote { return }
            if byte == UInt8(ascii: "\\"), quote == UInt8(ascii: "\""), index < bytes.count,
                bytes[index] != UInt8(ascii: "\n")
            {
                index += 1
            }
        }
    }

    /// Skips a `"""` or `'''` string from its opening quotes to just past its closing ones, which
    /// may be followed by one or two more quotes that belong to the content (`"""a""""`).
    private mutating func skipMultilineString(quote: UInt8) {
        index += 3
        while index < bytes.count {
            if startsTripleQuote(quote) {
                index += 3
                for _ in 0..<2 where index < bytes.count && bytes[index] == quote { index += 1 }
                return
            }
            if bytes[index] == UInt8(ascii: "\\"), quote == UInt8(ascii: "\"") {
                index += 1  // the escaped byte below is never a closing quote
                guard index < bytes.count else { return }
            }
            if bytes[index] == UInt8(ascii: "\n") { line += 1 }
            index += 1
        }
    }

    // MARK: - Blanks and comments

    /// Skips blanks, newlines and comments between statements.
    private mutating func skipTrivia() {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "#") {
                skipRestOfLine()
            } else if byte == UInt8(ascii: "\n") {
                line += 1
                index += 1
            } else if Self.isBlank(byte) {
                index += 1
            } else {
                return
            }
        }
    }

    /// Skips spaces and tabs (and the `\r` of a `\r\n`).
    private mutating func skipBlanks() {
        while index < bytes.count, Self.isBlank(bytes[index]) { index += 1 }
    }

    /// Moves to the newline ending the current line, or to the end of the text.
    private mutating func skipRestOfLine() {
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
    }

    /// Consumes `byte` if it is next.
    /// - Returns: whether it was.
    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Whether three `quote`s start at the cursor.
    private func startsTripleQuote(_ quote: UInt8) -> Bool {
        index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote && bytes[index] == quote
    }

    /// `byte` itself if it opens a string (`"` or `'`), else `nil`.
    private static func quote(_ byte: UInt8) -> UInt8? {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") ? byte : nil
    }

    /// Whether `byte` is a space, a tab or a carriage return.
    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// Whether `byte` may appear in a bare key: `A–Z a–z 0–9 _ -`.
    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-")
    }
}
