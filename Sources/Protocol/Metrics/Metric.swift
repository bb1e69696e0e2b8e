/// One metric, declared once in ``MetricCatalogue``: its Prometheus name, its
/// `io.systemd.Metrics` name, its type, unit, labels and help, and how it is read from a
/// ``MetricsSnapshot``. The Prometheus endpoint, `io.systemd.Metrics` and the README's metric
/// list (`make docs`) all read the catalogue.
public struct Metric: Sendable {
    /// The Prometheus name, as the text format has it (a counter's ends in `_total`).
    public let name: String
    /// The name `io.systemd.Metrics` uses: `io.udplab.Engine.receivedDatagrams`.
    public let systemdName: String
    public let type: MetricType
    /// The base unit (`seconds`, `bytes`), or `nil` for a count of things.
    public let unit: String?
    /// The labels of its series, `engine` first for an engine's metric.
    public let labels: [String]
    public let help: String
    public let reading: MetricReading

    public init(
        _ name: String,
        systemd systemdName: String,
        _ type: MetricType,
        unit: String? = nil,
        labels: [String],
        help: String,
        reading: MetricReading
    ) {
        self.name = name
        self.systemdName = systemdName
        self.type = type
        self.unit = unit
        self.labels = labels
        self.help = help
        self.reading = reading
    }
}
