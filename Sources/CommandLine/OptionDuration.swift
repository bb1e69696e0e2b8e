import UDPLabOS
import UDPLabProtocol

/// A duration engine option on the command line (`--interval`): ``DurationSyntax/commandLine``
/// text (`200ms`, `1.5s`, `2m`, `3` for seconds), within the option's range from the table, so
/// both programs refuse the same texts with the same reason.
public struct OptionDuration: Sendable, Equatable {
    /// The duration in seconds, as the wire and ``EngineSpec`` carry it.
    public let seconds: Double

    /// Why a text was refused; ArgumentParser prints it after "The value 'X' is invalid for
    /// '--interval <duration>': ".
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses `text` for `option`.
    /// - Throws: ``Refusal`` for a text that is not a duration, or one out of the option's range.
    public init(parsing text: String, for option: EngineOption) throws(Refusal) {
        guard let duration = try? Duration(parsing: text, as: .commandLine) else {
            throw Refusal(description: "write a duration such as \(DurationSyntax.commandLine.examples)")
        }
        if let range = option.secondsRange, !range.contains(duration.seconds) {
            throw Refusal(
                description:
                    "use \(Duration.seconds(range.lowerBound).shortText) to \(Duration.seconds(range.upperBound).shortText)"
            )
        }
        seconds = duration.seconds
    }
}
