import ArgumentParser
import UDPLabOS
import UDPLabProtocol

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

    /// Why a value was refused; ArgumentParser prints it after "The value 'X' is invalid for
    /// '--option <duration>': ".
    struct Refusal: Error, Equatable, CustomStringConvertible {
        let description: String

        /// Not of the command-line form.
        static let malformed = Refusal(description: "write a duration such as \(DurationSyntax.commandLine.examples)")
        /// Zero, or longer than ``maximum``.
        static let outOfRange = Refusal(description: "use more than 0 and at most 1440m (a day)")
    }

    /// Parses a positive duration of at most ``maximum``, in ``DurationSyntax/commandLine``; the
    /// `transform:` of the options that take one, so that a refusal says why.
    /// - Throws: ``Refusal``.
    init(parsing text: String) throws(Refusal) {
        guard let duration = try? Duration(parsing: text, as: .commandLine) else { throw .malformed }
        guard duration > .zero, duration <= Self.maximum else { throw .outOfRange }
        self.duration = duration
    }

    /// ``init(parsing:)`` without the reason (`stats --watch`, whose value is optional).
    init?(argument: String) {
        try? self.init(parsing: argument)
    }

    /// The duration in seconds, as the protocol's `interval` wants it.
    var seconds: Double { duration.seconds }

    /// The duration as it would be typed (``Swift/Duration/shortText``): `2m`, `5s`, `500ms`.
    var description: String { duration.shortText }
}
