/// A snapshot of a run in progress, for the progress line.
struct BenchProgress: Equatable, Sendable {
    /// Time since the run started, warm-up included.
    let elapsed: Duration
    /// The warm-up's length.
    let warmup: Duration
    /// The recorded part's length.
    let duration: Duration
    /// Recorded requests sent so far.
    var sent: Int
    /// Recorded requests answered so far.
    var received: Int
    /// Recorded requests counted as lost so far.
    var lost: Int

    /// `true` while the run is still warming up.
    var isWarmingUp: Bool { elapsed < warmup }
}
