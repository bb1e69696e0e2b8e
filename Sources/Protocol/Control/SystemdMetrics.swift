import UDPLabOS

/// `io.systemd.Metrics`, systemd's metrics interface (systemd 259.5 and later; what
/// `systemd-report` collects), as udplabd serves it on its metrics socket: `List` and `Describe`,
/// each answered with one reply per metric (`continues: true` on all but the last) and only to a
/// call with `more`, as systemd's `SD_VARLINK_REQUIRES_MORE` has it.
///
/// The field names are systemd's (`src/shared/varlink-io.systemd.Metrics.c`); udplab adds one
/// optional input, `name`, which neither systemd nor `systemd-report` sends: it narrows a call to
/// one metric family, and a name udplabd does not have gets `NoSuchMetric`.
public enum SystemdMetrics {
    public static let interface = "io.systemd.Metrics"
    public static let list = "io.systemd.Metrics.List"
    public static let describe = "io.systemd.Metrics.Describe"
    /// The error for a family udplabd does not have (and, as systemd's own services send it, for
    /// a family with no series now).
    public static let noSuchMetric = "io.systemd.Metrics.NoSuchMetric"
    /// The standard error for a `List` or `Describe` without `more`.
    public static let expectedMore = "org.varlink.service.ExpectedMore"

    /// The socket's name in `systemd-report`'s directory: the prefix of every metric name.
    public static let sourceName = "io.udplab"

    /// Where `systemd-report` looks for sources (`runtime_directory_generic(…, "systemd/report")`
    /// in systemd's `src/report/report.c`): `/run/systemd/report/` for the system,
    /// `$XDG_RUNTIME_DIR/systemd/report/` for a user; the socket there is named ``sourceName``.
    public static func reportSocketPath(environment: [String: String], isRoot: Bool) -> String {
        let base = isRoot ? "/run" : (environment["XDG_RUNTIME_DIR"] ?? "/run/user/\(Accounts.currentUID)")
        return base + "/systemd/report/" + sourceName
    }

    /// The parameters of `List` and `Describe`: none in systemd's IDL; `name` is udplab's.
    public struct Parameters: Codable, Sendable {
        /// One family, by its `io.systemd.Metrics` name (`io.udplab.Engine.receivedDatagrams`).
        public var name: String?

        public init(name: String? = nil) { self.name = name }
    }

    /// The interface's description, as `GetInterfaceDescription` returns it.
    ///
    /// systemd declares `value` `SD_VARLINK_ANY` (any JSON value); the varlink.org IDL has no such
    /// type, so it is written `object`, as systemd 259's own IDL had it and as varlink clients
    /// take any value for (the PyPI client passes it through).
    public static let interfaceDescription = """
        # Metrics APIs: systemd's io.systemd.Metrics, as udplabd serves it
        interface io.systemd.Metrics

        # An enum representing various metric family types
        type MetricFamilyType (counter, gauge, string)

        # Method to get a list of metrics among which the collection of related metrics forms a
        # metric family. Requires more. name (udplab's, not systemd's) narrows it to one family.
        method List(name: ?string) -> (name: string, value: object, object: ?string, fields: ?object)

        # Method to get the metric families. Requires more. name as for List.
        method Describe(name: ?string) -> (name: string, description: string, type: MetricFamilyType)

        # No such metric found
        error NoSuchMetric ()
        """

    /// `List`'s replies' parameters for `metrics` in `snapshot`: one per series; a histogram is
    /// one per bucket, its `le` in `fields` (cumulative counts, `+Inf` the total).
    public static func listReplies(_ metrics: [Metric], in snapshot: MetricsSnapshot) -> [[String: JSONValue]] {
        metrics.flatMap { metric in
            metric.systemdSamples(in: snapshot).flatMap { sample in
                entries(metric.systemdName, sample)
            }
        }
    }

    /// `Describe`'s replies' parameters: one per family.
    public static func describeReplies(_ metrics: [Metric]) -> [[String: JSONValue]] {
        metrics.map { metric in
            [
                "name": .string(metric.systemdName), "description": .string(metric.help),
                "type": .string(metric.systemdType),
            ]
        }
    }

    private static func entries(_ name: String, _ sample: MetricSample) -> [[String: JSONValue]] {
        var base: [String: JSONValue] = ["name": .string(name)]
        if let object = sample.object { base["object"] = .string(object) }
        let fields = Dictionary(sample.labels.map { ($0.name, JSONValue.string($0.value)) }) { first, _ in first }
        switch sample.value {
        case .histogram(let buckets):
            let bounds = ResidenceBuckets.boundsSeconds.map { "\($0)" } + ["+Inf"]
            return zip(bounds, buckets.cumulativeCounts).map { bound, count in
                var entry = base
                entry["fields"] = .object(fields.merging(["le": .string(bound)]) { $1 })
                entry["value"] = .integer(Int64(clamping: count))
                return entry
            }
        case .count(let count):
            base["value"] = .integer(Int64(clamping: count))
        case .real(let value):
            base["value"] = .number(value)
        case .text(let text):
            base["value"] = .string(text)
        }
        if !fields.isEmpty { base["fields"] = .object(fields) }
        return [base]
    }
}
