import ArgumentParser

/// `--warmup`: a ``DurationArgument`` (`500ms`, `1s`), or `0` for no warm-up.
struct WarmupArgument: ExpressibleByArgument, Equatable, Sendable, CustomStringConvertible {
    /// The length of the warm-up.
    let duration: Duration

    /// Wraps `duration`.
    init(_ duration: Duration) {
        self.duration = duration
    }

    /// Parses what ``DurationArgument`` takes, and zero written as `0`, `0s`, `0ms` or `0m`.
    init?(argument: String) {
        if let parsed = DurationArgument(argument: argument) {
            duration = parsed.duration
        } else if ["0", "0s", "0ms", "0m"].contains(argument) {
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
