import UDPLabOS

/// Where a metric's samples come from in a ``MetricsSnapshot``.
public enum MetricReading: Sendable {
    /// One sample per engine from its counters; `nil` leaves the engine out (a loop counter its
    /// backend cannot see: absent, never 0).
    case engineCounter(@Sendable (CounterSnapshot) -> UInt64?)
    /// One sample per socket of an engine with several (`Stats`' `sockets`), labelled `socket`
    /// and, for `--threads` lanes, `thread`.
    case socketReceived
    /// One sample per consumer of a relay engine (`Stats`' `consumers`), labelled `consumer`;
    /// at most `--max-consumers` per engine, so the series stay bounded.
    case consumer(@Sendable (ConsumerStats) -> UInt64)
    /// One sample per relay engine: how many consumers it holds.
    case consumerCount
    /// One histogram per engine: its residence times.
    case residence
    /// Prometheus: one sample per engine and state, 1 for the engine's state and 0 for the
    /// others; `io.systemd.Metrics`: the state's name.
    case engineState
    /// One sample per engine: when it started.
    case engineStartTime
    /// One sample, 1, labelled with udplabd's version (`io.systemd.Metrics`: the version).
    case build
    /// One sample per method called: the calls, or those refused.
    case control(denials: Bool)
    /// One sample of the process's usage; none when it could not be read.
    case process(@Sendable (ProcessUsage) -> MetricValue)
    /// One sample: when the daemon started.
    case processStartTime
}
