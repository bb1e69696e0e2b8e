/// One series' value in a snapshot: its labels and its value; `object` is the engine's name for
/// an engine's metric (`io.systemd.Metrics`' `object`; a label `engine` in Prometheus).
public struct MetricSample: Sendable, Equatable {
    /// The engine whose sample it is; `nil` for the daemon's own metrics.
    public var object: String?
    /// The labels but `engine`, in order.
    public var labels: [MetricLabel]
    public var value: MetricValue

    public init(object: String?, labels: [MetricLabel], value: MetricValue) {
        self.object = object
        self.labels = labels
        self.value = value
    }

    /// The labels with `engine` first when there is an object: what Prometheus shows.
    public var prometheusLabels: [MetricLabel] {
        guard let object else { return labels }
        return [MetricLabel("engine", object)] + labels
    }
}
