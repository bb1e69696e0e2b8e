import ArgumentParser
import UDPLabCore

/// A length of time on the command line, in ``DurationSyntax/commandLine``: `5` (seconds), `5s`,
/// `500ms`, `2m`, `1.5s`.
///
/// Used by `--timeout`, `stats --watch`, `start --interval` and bench's `--duration` and
/// `--reply-timeout`; ``description`` writes it back in the same form, so help shows defaults as
/// they would be typed.
struct DurationArgument: ExpressibleByArgument, Equatable, Sendable, CustomStringConvertible {
    /// The longest duration accepted: a day, far beyond any sensible timeout or interval.
    static let maximum = Duration.seconds(86_400)

    /// The length of time.
    let duration: Duration

    /// Wraps `duration`.
    init(_ duration: Duration) {
        self.duration = duration
    }

    /// Parses a positive duration of at most ``maximum``.
    /// - Returns: `nil` for anything else, zero, negatives, and more than ``maximum``.
    init?(argument: String) {
        guard let duration = try? Duration(parsing: argument, as: .commandLine),
            duration > .zero, duration <= Self.maximum
        else { return nil }
        self.duration = duration
    }

    /// The duration in seconds, as the protocol's `interval` wants it.
    var seconds: Double { duration.seconds }

    /// `2m`, `5s` or `500ms`: the largest unit that shows the value exactly (to the millisecond).
    var description: String {
        let milliseconds = (seconds * 1000).rounded()
        if milliseconds.truncatingRemainder(dividingBy: 60_000) == 0 { return "\(Int(milliseconds / 60_000))m" }
        if milliseconds.truncatingRemainder(dividingBy: 1000) == 0 { return "\(Int(milliseconds / 1000))s" }
        return "\(Int(milliseconds))ms"
    }
}
