extension Duration {
    /// Why a string is not a duration in a given ``DurationSyntax``.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The text that was given.
        public let text: String
        /// The form it was read in.
        public let syntax: DurationSyntax
        /// The text has the form but names more time than a `Duration` holds.
        public let isTooLong: Bool

        public var description: String {
            isTooLong
                ? "'\(text)' is too long a duration"
                : "'\(text)' is not a duration: write e.g. \(syntax.examples)"
        }
    }

    /// Parses `text` in `syntax`, exactly: `1.5s` is 1.5 s to the attosecond, not a `Double`'s
    /// nearest value, and digits below an attosecond are dropped.
    /// - Throws: ``ParseError`` when `text` is not of the form, or too long for a `Duration`.
    public init(parsing text: String, as syntax: DurationSyntax) throws(ParseError) {
        let malformed = ParseError(text: text, syntax: syntax, isTooLong: false)
        let unit = syntax.units.first { text.hasSuffix($0.suffix) }
        guard let unit = unit ?? (syntax.isUnitOptional ? ("", 1_000_000_000_000_000_000) : nil) else {
            throw malformed
        }
        let number = text.utf8.dropLast(unit.suffix.utf8.count)
        let whole = number.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        var fraction = number.dropFirst(whole.count)
        if !fraction.isEmpty {
            guard syntax.allowsFraction, fraction.first == UInt8(ascii: "."), fraction.count > 1 else {
                throw malformed
            }
            fraction = fraction.dropFirst()
            guard fraction.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { throw malformed }
        }
        guard !whole.isEmpty else { throw malformed }
        guard let attoseconds = Self.attoseconds(whole: whole, fraction: fraction, unit: unit.attoseconds) else {
            throw ParseError(text: text, syntax: syntax, isTooLong: true)
        }
        self.init(attoseconds: attoseconds)
    }

    /// `whole.fraction` (ASCII digits) times `unit` attoseconds, truncated to the attosecond;
    /// `nil` when it exceeds what `Duration` holds (`Int64` seconds).
    private static func attoseconds(
        whole: Substring.UTF8View.SubSequence,
        fraction: Substring.UTF8View.SubSequence,
        unit: Int128
    ) -> Int128? {
        let limit = Int128(Int64.max) * 1_000_000_000_000_000_000
        var total: Int128 = 0
        for digit in whole {
            let (tens, overflow) = total.multipliedReportingOverflow(by: 10)
            guard !overflow, tens <= limit else { return nil }
            total = tens + Int128(digit - UInt8(ascii: "0"))
        }
        let (product, overflow) = total.multipliedReportingOverflow(by: unit)
        guard !overflow, product <= limit else { return nil }
        // Each fraction digit is worth a tenth of the one before; once that is below an
        // attosecond the rest cannot count.
        var part: Int128 = 0
        var scale = unit
        for digit in fraction {
            scale /= 10
            if scale == 0 { break }
            part += Int128(digit - UInt8(ascii: "0")) * scale
        }
        guard product + part <= limit else { return nil }
        return product + part
    }
}
