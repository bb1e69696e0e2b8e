/// How a metric's values behave, as Prometheus and `io.systemd.Metrics` name the kinds.
public enum MetricType: String, Sendable, CaseIterable {
    /// Only grows while its engine (or the daemon) lives; a restarted engine starts again at 0.
    case counter
    /// Goes up and down (a size, a time, a state's 0 or 1).
    case gauge
    /// Prometheus' histogram: cumulative bucket counts, their sum and their count.
    case histogram

    /// The `MetricFamilyType` that `io.systemd.Metrics.Describe` reports (it has no histogram:
    /// the buckets are counters there, one per `le` field).
    public var systemdType: String {
        switch self {
        case .counter, .histogram: "counter"
        case .gauge: "gauge"
        }
    }
}
