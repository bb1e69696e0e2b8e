import Histogram
import UDPLabOS

/// `udplabctl bench --hgrm FILE`: a run's round-trip times in HdrHistogram's percentile
/// distribution format (`.hgrm`), the text every HdrHistogram's `outputPercentileDistribution`
/// prints and HdrHistogram's plotter and `HistogramLogAnalyzer` read: columns Value, Percentile,
/// TotalCount and 1/(1-Percentile), 5 ticks per half distance to 100 %, then a footer with the
/// mean, standard deviation, max, total count, buckets and sub-buckets.
///
/// Values are in microseconds, with three decimals, like bench's own figures: the histogram records
/// nanoseconds and they are printed divided by ``nanosecondsPerUnit``, as Java's
/// `outputPercentileDistribution(out, 5, 1000.0)` prints them. A plotter that asks for the values'
/// unit (or a unit ratio) is to be told microseconds.
///
/// The file is opened before the run, so that a path that cannot be written fails the command at
/// once, and written when the run is over.
struct PercentileDistributionFile: ~Copyable {
    /// The scaling ratio the values are printed with: nanoseconds per microsecond.
    static let nanosecondsPerUnit = 1000.0

    private let file: OutputFile

    /// Creates (or empties) `path`.
    /// - Throws: ``BenchError/histogramFile(path:_:)`` when it cannot be created.
    init(creating path: String) throws(BenchError) {
        do {
            file = try OutputFile(creating: path)
        } catch {
            throw .histogramFile(path: path, error)
        }
    }

    /// Writes `histogram`'s percentile distribution and closes the file.
    /// - Throws: ``BenchError/histogramFile(path:_:)`` when the write fails.
    consuming func write(_ histogram: Histogram<UInt64>) throws(BenchError) {
        do {
            try file.write(Array(Self.text(of: histogram).utf8))
        } catch {
            throw .histogramFile(path: file.path, error)
        }
    }

    /// The percentile distribution of `histogram` (nanoseconds) with values in microseconds; only
    /// the header and the footer when it holds nothing.
    static func text(of histogram: Histogram<UInt64>) -> String {
        var text = ""
        histogram.outputPercentileDistribution(to: &text, outputValueUnitScalingRatio: nanosecondsPerUnit)
        return text
    }
}
