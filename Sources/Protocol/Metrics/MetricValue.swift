/// One sample's value.
public enum MetricValue: Sendable, Equatable {
    /// A count (counters, and gauges that count: open descriptors, the queue's high water).
    case count(UInt64)
    /// A measurement (seconds, a 0 or 1 of a state).
    case real(Double)
    /// A residence histogram.
    case histogram(ResidenceBuckets)
    /// Text: what `io.systemd.Metrics` reports for a state or a version (its `string` type).
    case text(String)
}
