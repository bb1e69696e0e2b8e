/// One label of a sample: `engine="e1"` in Prometheus, a member of `fields` (or the `object`) in
/// `io.systemd.Metrics`.
public struct MetricLabel: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
