/// What the metrics read of one engine at one moment: its `Stats` and its residence buckets.
public struct EngineMetrics: Sendable, Equatable {
    public var stats: EngineStats
    public var residence: ResidenceBuckets

    public init(stats: EngineStats, residence: ResidenceBuckets) {
        self.stats = stats
        self.residence = residence
    }

    /// The labels every series of the engine carries but `engine` (its ``MetricSample/object``).
    var labels: [MetricLabel] { [MetricLabel("kind", stats.kind), MetricLabel("backend", stats.backend)] }
}
