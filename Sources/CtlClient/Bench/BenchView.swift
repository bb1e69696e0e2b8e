import Foundation

/// The forms of a bench result: lines for people, one JSON object for scripts, and warnings.
enum BenchView {
    /// The human report: what was run, then one `key: value` line per figure. Late replies,
    /// duplicates, invalid datagrams, unsent requests and errors get a line only when there were any.
    static func text(_ result: BenchResult) -> String {
        let configuration = result.configuration
        let sockets = configuration.sockets == 1 ? "1 socket" : "\(configuration.sockets) sockets"
        let recorded = "\(DurationArgument(configuration.duration)) recorded"
        let warmup =
            configuration.warmup == .zero ? ", no warm-up" : " after \(WarmupArgument(configuration.warmup)) of warm-up"
        let heading =
            "bench \(configuration.target): \(configuration.mode), \(configuration.size)-byte "
            + "\(configuration.payload.rawValue) requests from \(sockets), \(recorded)\(warmup)"
        var fields = [
            ("sent", String(result.sent)),
            ("received", String(result.received)),
            ("lost", result.lost == 0 ? "0" : "\(result.lost) (\(String(format: "%.3g", result.lossPercent))%)"),
        ]
        let exceptions = [
            ("late", result.late, "replies after the reply timeout"),
            ("duplicates", result.duplicates, "second replies"),
            ("invalid", result.invalid, "datagrams that are no echo of a request"),
            ("unsent", result.unsent, "planned, but the client fell behind its schedule"),
            ("errors", result.errors, "failed sends and receives"),
        ]
        for (key, count, meaning) in exceptions where count > 0 {
            fields.append((key, "\(count) (\(meaning))"))
        }
        fields.append(("echoes/s", String(format: "%.0f", result.echoesPerSecond)))
        fields.append(("RTT µs", result.latency.map(percentiles) ?? "-"))
        let width = fields.map(\.0.count).max() ?? 0
        let lines = fields.map { key, value in
            (key + ":").padding(toLength: width + 2, withPad: " ", startingAt: 0) + value
        }
        return ([heading] + lines).joined(separator: "\n")
    }

    /// The result as one line of JSON, keys sorted: the options (`mode`, `window` or `rate`,
    /// `payload`, `size`, `sockets`, `*_seconds`), the counts, `loss_percent`,
    /// `echoes_per_second` (to 0.1), and `rtt_p50_us` … `rtt_max_us` (`null` when nothing was received).
    static func json(_ result: BenchResult) -> String {
        let configuration = result.configuration
        var object: [String: Any] = [
            "target": configuration.target.description,
            "mode": configuration.mode.name,
            "payload": configuration.payload.rawValue,
            "size": configuration.size,
            "sockets": configuration.sockets,
            "duration_seconds": configuration.duration.seconds,
            "warmup_seconds": configuration.warmup.seconds,
            "reply_timeout_seconds": configuration.replyTimeout.seconds,
            "sent": result.sent,
            "received": result.received,
            "lost": result.lost,
            "loss_percent": number(result.lossPercent),
            "late": result.late,
            "duplicates": result.duplicates,
            "invalid": result.invalid,
            "unsent": result.unsent,
            "errors": result.errors,
            "echoes_per_second": number((result.echoesPerSecond * 10).rounded() / 10),
        ]
        switch configuration.mode {
        case .pingpong: break
        case .window(let outstanding): object["window"] = outstanding
        case .rate(let perSecond): object["rate"] = perSecond
        }
        let latency = result.latency
        let percentiles: [(String, UInt64?)] = [
            ("rtt_p50_us", latency?.p50), ("rtt_p90_us", latency?.p90), ("rtt_p99_us", latency?.p99),
            ("rtt_p99_9_us", latency?.p99_9), ("rtt_max_us", latency?.max),
        ]
        for (key, nanoseconds) in percentiles {
            object[key] = nanoseconds.map { Double($0) / 1000 } ?? NSNull()
        }
        // Every value is a string, a finite number or null, which JSON can hold.
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: object,
                options: [.sortedKeys, .withoutEscapingSlashes]
            )
        else { return #"{"error":"the result cannot be written as JSON"}"# }
        return String(decoding: data, as: UTF8.self)
    }

    /// `value`, or `null` when it is not finite (a rate over no time): JSON has no NaN or infinity.
    private static func number(_ value: Double) -> Any {
        value.isFinite ? value : NSNull()
    }

    /// Lines for stderr about a run whose figures mean little: nothing sent, or nothing answered.
    static func warnings(_ result: BenchResult) -> [String] {
        let target = result.configuration.target
        if result.sent == 0 {
            return ["warning: no request could be sent to \(target) (\(result.errors) errors)"]
        }
        if result.received == 0 {
            let hint =
                result.configuration.payload == .plain
                ? " (sockperf's server and udplab's --reply sockperf answer only --payload sockperf)" : ""
            return [
                "warning: none of the \(result.sent) requests sent to \(target) was answered: is an echo server "
                    + "listening there?\(hint)"
            ]
        }
        return []
    }

    /// `p50 21.4  p90 25.1  p99 40.3  p99.9 80.7  max 1201.0`, in microseconds.
    private static func percentiles(_ latency: LatencySummary) -> String {
        [
            ("p50", latency.p50), ("p90", latency.p90), ("p99", latency.p99), ("p99.9", latency.p99_9),
            ("max", latency.max),
        ]
        .map { name, nanoseconds in "\(name) \(String(format: "%.1f", Double(nanoseconds) / 1000))" }
        .joined(separator: "  ")
    }
}
