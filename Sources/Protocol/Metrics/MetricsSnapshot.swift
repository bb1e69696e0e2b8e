import UDPLabOS

/// Everything the metrics are read from, taken at one moment: every engine, the control
/// requests, the process. Both the Prometheus endpoint and `io.systemd.Metrics` render one.
public struct MetricsSnapshot: Sendable, Equatable {
    public var engines: [EngineMetrics]
    public var control: [ControlTally]
    /// `nil` when `/proc/self` could not be read (the `process_*` metrics are then left out).
    public var process: ProcessUsage?
    /// When the daemon started, in seconds since the Unix epoch.
    public var startTimeSeconds: Double

    public init(engines: [EngineMetrics], control: [ControlTally], process: ProcessUsage?, startTimeSeconds: Double) {
        self.engines = engines
        self.control = control
        self.process = process
        self.startTimeSeconds = startTimeSeconds
    }
}
