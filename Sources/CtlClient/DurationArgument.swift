import ArgumentParser

/// A length of time on the command line: `5` (seconds), `5s`, `500ms`, `2m`, `1.5s`.
///
/// Used by `--timeout`, `stats --watch` and `start --interval`; ``description`` writes it back in the same form, so
/// help shows defaults as they would be typed.
struct DurationArgument: ExpressibleByArgument, Equatable, Sendable, CustomStringConvertible {
    /// The longest duration accepted: a day, far beyond any sensible timeout or interval.
    static let maximum = Duration.seconds(86_400)

    /// The length of time.
    let duration: Duration

    /// Wraps `duration`.
    init(_ duration: Duration) {
        self.duration = duration
    }

    /// Parses a positive number with an optional unit: `ms`, `s` (the default) or `m`.
    /// - Returns: `nil` for anything else, zero, negatives, and more than ``maximum``.
    init?(argument: String) {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        let unit = units.first { argument.hasSuffix($0.suffix) } ?? ("", 1)
        guard let number = Double(argument.dropLast(unit.suffix.count)), number.isFinite else { return nil }
        let seconds = number * unit.seconds
        guard seconds > 0, seconds <= Double(Self.maximum.components.seconds) else { return nil }
        duration = .milliseconds(seconds * 1000)
    }

    /// The duration in seconds, as the protocol's `interval` wants it.
    var seconds: Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// `2m`, `5s` or `500ms`: the largest unit that shows the value exactly (to the millisecond).
    var description: String {
        let milliseconds = (seconds * 1000).rounded()
        if milliseconds.truncatingRemainder(dividingBy: 60_000) == 0 { return "\(Int(milliseconds / 60_000))m" }
        if milliseconds.truncatingRemainder(dividingBy: 1000) == 0 { return "\(Int(milliseconds / 1000))s" }
        return "\(Int(milliseconds))ms"
    }
}
