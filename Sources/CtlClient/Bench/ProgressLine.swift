/// The progress line `udplabctl bench` redraws on stderr while it runs, when stderr is a terminal.
enum ProgressLine {
    /// Carriage return and "erase line": what goes before each redraw, and alone at the end.
    static let erase = "\r\u{1B}[2K"
    /// The bar's width in characters.
    static let barWidth = 24

    /// `warming up 0.4s/1s`, then `[#########...............] 2.0s/5s  sent 20000  received 19990  lost 10`.
    static func text(_ progress: BenchProgress) -> String {
        guard !progress.isWarmingUp else {
            return "warming up \(seconds(progress.elapsed))/\(seconds(progress.warmup))"
        }
        let recorded = progress.elapsed - progress.warmup
        let fraction = min(max(recorded / progress.duration, 0), 1)
        let filled = Int((fraction * Double(barWidth)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled)
        return "[\(bar)] \(seconds(recorded))/\(seconds(progress.duration))  sent \(progress.sent)  "
            + "received \(progress.received)  lost \(progress.lost)"
    }

    /// `2.3s`: seconds to one decimal.
    private static func seconds(_ duration: Duration) -> String {
        let tenths = Int((duration / .milliseconds(100)).rounded(.down))
        return "\(tenths / 10).\(tenths % 10)s"
    }
}
