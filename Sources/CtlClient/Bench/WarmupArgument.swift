import ArgumentParser
import UDPLabCore

/// `--warmup`: a ``DurationArgument`` (`500ms`, `1s`), or zero (`0`, `0s`) for no warm-up.
struct WarmupArgument: ExpressibleByArgument, Equatable, Sendable, CustomStringConvertible {
    /// The length of the warm-up.
    let duration: Duration

    /// Wraps `duration`.
    init(_ duration: Duration) {
        self.duration = duration
    }

    /// Parses what ``DurationArgument`` takes, and zero in the same form (`0`, `0s`, `0ms`, `0m`).
    init?(argument: String) {
        if let parsed = DurationArgument(argument: argument) {
            duration = parsed.duration
        } else if (try? Duration(parsing: argument, as: .commandLine)) == .zero {
            duration = .zero
        } else {
            return nil
        }
    }

    /// `0`, or the duration as ``DurationArgument`` writes it.
    var description: String {
        duration == .zero ? "0" : DurationArgument(duration).description
    }
}
