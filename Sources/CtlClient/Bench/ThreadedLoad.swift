import Histogram
import Synchronization
import UDPLabOS

/// `udplabctl bench --threads N`: N ``LoadGenerator``s, each on a thread of its own with its own
/// source sockets, window (or share of the rate) and ledger, started together; their counts are
/// summed and their round-trip histograms merged, so the report reads as one run's.
///
/// Each thread times its own warm-up and duration from its own start, so the recorded windows
/// differ by the threads' start skew (well under a millisecond). One thread runs on the caller's
/// thread, as a run without `--threads` does.
enum ThreadedLoad {
    /// Runs `configuration` on its threads.
    /// - Parameter progress: called on the caller's thread with the threads' counts summed.
    /// - Throws: ``BenchError`` when a thread cannot open its sockets (the others then stop
    ///   at once) or a thread cannot be started.
    static func run(
        _ configuration: BenchConfiguration,
        progress: ((BenchProgress) -> Void)? = nil
    ) throws(BenchError) -> BenchResult {
        try recordingRun(configuration, progress: progress).result
    }

    /// ``run(_:progress:)``, with the threads' round-trip histograms merged into one (nanoseconds),
    /// for `--hgrm`.
    static func recordingRun(
        _ configuration: BenchConfiguration,
        progress: ((BenchProgress) -> Void)? = nil
    ) throws(BenchError) -> (result: BenchResult, histogram: Histogram<UInt64>) {
        guard configuration.threads > 1 else {
            return try LoadGenerator(configuration).recordingRun(progress: progress)
        }
        let shared = Shared(threads: configuration.threads)
        var threads: [OSThread] = []
        for index in 1..<configuration.threads {
            let part = configuration.thread(index)
            do {
                threads.append(
                    try OSThread.spawn(name: "bench-\(index)") {
                        shared.finish(index, with: Self.runPart(part, index: index, shared: shared))
                    }
                )
            } catch {
                // The threads started run to their end; their results are not needed.
                for thread in threads { thread.join() }
                throw .thread(error)
            }
        }
        // The caller's thread is thread 0, and the one that reports progress.
        let first = runPart(configuration.thread(0), index: 0, shared: shared) { counts in
            progress?(counts)
        }
        shared.finish(0, with: first)
        for thread in threads { thread.join() }
        return try shared.merged(configuration)
    }

    /// One thread's run, publishing its progress; thread 0 also reports the sum.
    private static func runPart(
        _ part: BenchConfiguration,
        index: Int,
        shared: Shared,
        report: ((BenchProgress) -> Void)? = nil
    ) -> Result<(result: BenchResult, histogram: Histogram<UInt64>), BenchError> {
        do throws(BenchError) {
            let generator = try LoadGenerator(part)
            return .success(
                generator.recordingRun { counts in
                    shared.publish(counts, from: index)
                    if let report { report(shared.progressSum()) }
                }
            )
        } catch {
            return .failure(error)
        }
    }

    /// What the threads share: their latest progress and their outcomes.
    private final class Shared: Sendable {
        private let progress: Mutex<[BenchProgress?]>
        private let outcomes: Mutex<[Result<(result: BenchResult, histogram: Histogram<UInt64>), BenchError>?]>

        init(threads: Int) {
            progress = Mutex(Array(repeating: nil, count: threads))
            outcomes = Mutex(Array(repeating: nil, count: threads))
        }

        func publish(_ counts: BenchProgress, from index: Int) {
            progress.withLock { $0[index] = counts }
        }

        /// Thread 0's clock and the sum of every thread's counts so far.
        func progressSum() -> BenchProgress {
            progress.withLock { all in
                let known = all.compactMap { $0 }
                guard var sum = known.first else {
                    return BenchProgress(elapsed: .zero, warmup: .zero, duration: .zero, sent: 0, received: 0, lost: 0)
                }
                for counts in known.dropFirst() {
                    sum.sent += counts.sent
                    sum.received += counts.received
                    sum.lost += counts.lost
                }
                return sum
            }
        }

        func finish(
            _ index: Int,
            with outcome: Result<(result: BenchResult, histogram: Histogram<UInt64>), BenchError>
        ) {
            outcomes.withLock { $0[index] = outcome }
        }

        /// The threads' results as one, under `configuration`, and their merged histogram.
        /// - Throws: the first thread's error, if any failed.
        func merged(
            _ configuration: BenchConfiguration
        ) throws(BenchError) -> (result: BenchResult, histogram: Histogram<UInt64>) {
            let parts = outcomes.withLock { $0 }
            var histogram = Histogram<UInt64>(highestTrackableValue: LoadGenerator.highestLatency)
            var sum = (sent: 0, received: 0, lost: 0, late: 0, duplicates: 0, invalid: 0, unsent: 0, errors: 0)
            for part in parts {
                guard let part else { continue }
                let (result, recorded) = try part.get()
                histogram.add(recorded)
                sum.sent += result.sent
                sum.received += result.received
                sum.lost += result.lost
                sum.late += result.late
                sum.duplicates += result.duplicates
                sum.invalid += result.invalid
                sum.unsent += result.unsent
                sum.errors += result.errors
            }
            let result = BenchResult(
                configuration: configuration,
                sent: sum.sent,
                received: sum.received,
                lost: sum.lost,
                late: sum.late,
                duplicates: sum.duplicates,
                invalid: sum.invalid,
                unsent: sum.unsent,
                errors: sum.errors,
                latency: LatencySummary(histogram)
            )
            return (result, histogram)
        }
    }
}
