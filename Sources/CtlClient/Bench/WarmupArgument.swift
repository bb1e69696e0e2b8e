import ArgumentParser
import UDPLabOS
import UDPLabProtocol

/// `--warmup`: a ``DurationArgument`` (`500ms`, `1s`), or zero (`0`, `0s`) for no warm-up.
struct WarmupArgument: ExpressibleByArgument, Equatable, Sendable, CustomStringConvertible {
    /// The length of the warm-up.
    let duration: Duration

    /// Wraps `duration`.
    init(_ duration: Duration) {
        self.duration = duration
    }

    /// Parses what ``DurationArgument`` takes, and zero in the same form (`0`, `0s`, `0ms`, `0m`).
    /// - Throws: ``DurationArgument/Refusal``.
    init(parsing text: String) throws(DurationArgument.Refusal) {
        if (try? Duration(parsing: text, as: .commandLine)) == .zero {
            duration = .zero
        } else {
            do {
                duration = try DurationArgument(parsing: text).duration
            } catch {
                throw error == .outOfRange ? DurationArgument.Refusal(description: "use 0 to 1440m (a day)") : error
            }
        }
    }

    /// ``init(parsing:)`` without the reason.
    init?(argument: String) {
        try? self.init(parsing: argument)
    }

    /// `0`, or the duration as ``DurationArgument`` writes it.
    var description: String {
        duration == .zero ? "0" : DurationArgument(duration).description
    }
}
