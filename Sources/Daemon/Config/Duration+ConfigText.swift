extension Duration {
    /// Parses a duration as the config file writes it: a whole number and a unit, `ms`, `s`, `m` or
    /// `h` (`"500ms"`, `"60s"`, `"2m"`, `"1h"`).
    /// - Parameter text: the text, without blanks.
    /// - Returns: `nil` when the text has another form or the number does not fit.
    init?(configText text: String) {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard let count = Int(digits) else { return nil }
        let secondsPerUnit: Int
        switch text.dropFirst(digits.count) {
        case "ms":
            self = .milliseconds(count)
            return
        case "s": secondsPerUnit = 1
        case "m": secondsPerUnit = 60
        case "h": secondsPerUnit = 3600
        default: return nil
        }
        let (seconds, overflow) = count.multipliedReportingOverflow(by: secondsPerUnit)
        guard !overflow else { return nil }
        self = .seconds(seconds)
    }
}
