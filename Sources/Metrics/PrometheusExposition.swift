import Prometheus
import Synchronization
import UDPLabProtocol

/// The Prometheus exposition of ``MetricCatalogue``, built by swift-prometheus: one long-lived
/// registry whose series are brought up to a snapshot at each scrape, then emitted.
///
/// Counters are advanced by what their source grew since the last scrape, so they never go
/// backwards while an engine lives; an engine that restarted (a new start time) has its series
/// reset to its new values, which Prometheus takes as a counter reset; a gone engine's series are
/// unregistered. The histogram is fed each bucket's new datagrams at their mean time (the library
/// records one value at a time): a scrape costs one record per datagram echoed since the last, in
/// the scrape's task, never on an engine's thread.
/// Scrapes are serialised (the registry's series move from one snapshot to the next).
public final class PrometheusExposition: Sendable {
    private let state = Mutex(State())

    public init() {}

    /// The exposition of `snapshot` in `format`.
    public func render(_ snapshot: MetricsSnapshot, as format: ExpositionFormat) -> [UInt8] {
        let text = state.withLock { state in
            state.update(to: snapshot)
            return state.registry.emitToBuffer()
        }
        return format == .openMetrics ? ExpositionFormat.openMetrics(fromText: text) : text
    }
}

/// The registry and what each of its series was last set from.
private struct State {
    /// One series: its library object and the value and engine start it was last brought to.
    enum Series {
        case counter(Counter, last: MetricValue, generation: UInt64)
        case gauge(Gauge)
        case histogram(ValueHistogram, last: ResidenceBuckets, generation: UInt64)
    }

    let registry = PrometheusCollectorRegistry()
    var series: [String: Series] = [:]

    mutating func update(to snapshot: MetricsSnapshot) {
        let starts = Dictionary(snapshot.engines.map { ($0.stats.name, $0.stats.startedUsec) }) { first, _ in first }
        var seen: Set<String> = []
        for metric in MetricCatalogue.all {
            for sample in metric.samples(in: snapshot) {
                let labels = sample.prometheusLabels.map { ($0.name, $0.value) }
                let key = metric.name + "{" + labels.map { "\($0)=\($1)" }.joined(separator: ",") + "}"
                seen.insert(key)
                let generation = sample.object.flatMap { starts[$0] } ?? 0
                series[key] = advance(series[key], metric, labels, sample.value, generation)
            }
        }
        for (key, gone) in series where !seen.contains(key) {
            unregister(gone)
            series[key] = nil
        }
    }

    /// `current` brought to `value`, created when there is none.
    private func advance(
        _ current: Series?,
        _ metric: Metric,
        _ labels: [(String, String)],
        _ value: MetricValue,
        _ generation: UInt64
    ) -> Series {
        switch (metric.type, value) {
        case (.histogram, .histogram(let buckets)):
            var histogram: ValueHistogram
            var last = ResidenceBuckets.empty
            if case .histogram(let existing, let previous, let previousGeneration)? = current,
                previousGeneration == generation
            {
                histogram = existing
                last = previous
            } else {
                if let current { unregister(current) }
                histogram = registry.makeValueHistogram(
                    descriptor: descriptor(metric),
                    labels: labels,
                    buckets: ResidenceBuckets.boundsSeconds
                )
            }
            for index in buckets.counts.indices where buckets.counts[index] > last.counts[index] {
                let added = buckets.counts[index] - last.counts[index]
                let bounds = ResidenceBuckets.boundsSeconds
                var mean = max(buckets.sums[index] - last.sums[index], 0) / Double(added)
                // Into its bucket, whatever the floating-point sums' rounding.
                if index < bounds.count { mean = min(mean, bounds[index]) }
                if index > 0 { mean = max(mean, bounds[index - 1].nextUp) }
                for _ in 0..<added { histogram.record(mean) }
            }
            return .histogram(histogram, last: buckets, generation: generation)
        case (.counter, .real(let real)) where !real.isFinite:
            // Not a count (the library traps on a negative or NaN increment): left as it was.
            if let current { return current }
            return .counter(
                registry.makeCounter(descriptor: descriptor(metric), labels: labels),
                last: .count(0),
                generation: generation
            )
        case (.counter, _):
            var counter: Counter
            var last = MetricValue.count(0)
            if case .counter(let existing, let previous, let previousGeneration)? = current {
                counter = existing
                if previousGeneration == generation {
                    last = previous
                } else {
                    counter.reset()
                }
            } else {
                counter = registry.makeCounter(descriptor: descriptor(metric), labels: labels)
            }
            switch (value, last) {
            case (.count(let now), .count(let before)) where now >= before:
                counter.increment(by: Int64(clamping: now - before))
            case (.real(let now), .real(let before)) where now >= before:
                counter.increment(by: now - before)
            case (.real(let now), .count(0)):
                counter.increment(by: max(now, 0))
            case (.count(let now), _):
                // Smaller than before in the same engine cannot happen; start again rather than
                // go backwards by a wrong amount.
                counter.reset()
                counter.increment(by: Int64(clamping: now))
            case (.real(let now), _):
                counter.reset()
                counter.increment(by: max(now, 0))
            default:
                break
            }
            return .counter(counter, last: value, generation: generation)
        default:
            let gauge: Gauge
            if case .gauge(let existing)? = current {
                gauge = existing
            } else {
                gauge = registry.makeGauge(descriptor: descriptor(metric), labels: labels)
            }
            switch value {
            case .count(let count): gauge.set(Double(count))
            case .real(let real): gauge.set(real)
            case .histogram, .text: break
            }
            return .gauge(gauge)
        }
    }

    /// The library's name for `metric`: its whole name (the catalogue's names carry their units).
    private func descriptor(_ metric: Metric) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: metric.name, unitName: "", helpText: metric.help)
    }

    private func unregister(_ series: Series) {
        switch series {
        case .counter(let counter, _, _): registry.unregisterCounter(counter)
        case .gauge(let gauge): registry.unregisterGauge(gauge)
        case .histogram(let histogram, _, _): registry.unregisterValueHistogram(histogram)
        }
    }
}
