import FoundationEssentials
import UDPLabOS
import UDPLabProtocol

/// The forms of a bench result: lines for people, one JSON object for scripts, and warnings.
enum BenchView {
    /// The human report: what was run, then one `key: value` line per figure. Late replies,
    /// duplicates, invalid datagrams, unsent requests and errors get a line only when there were any.
    static func text(_ result: BenchResult) -> String {
        let configuration = result.configuration
        var sockets = configuration.sockets == 1 ? "1 socket" : "\(configuration.sockets) sockets"
        if configuration.train > 1 { sockets += " in GSO trains of \(configuration.train)" }
        if configuration.threads > 1 {
            sockets = "\(configuration.threads) threads × \(sockets) (\(configuration.flows) flows)"
        }
        let recorded = "\(DurationArgument(configuration.duration)) recorded"
        let warmup =
            configuration.warmup == .zero ? ", no warm-up" : " after \(WarmupArgument(configuration.warmup)) of warm-up"
        let heading =
            "bench \(configuration.target): \(configuration.mode), \(configuration.size)-byte "
            + "\(configuration.payload.rawValue) requests from \(sockets), \(recorded)\(warmup)"
        let lossPercent = PrintfNumber.significant(result.lossPercent, digits: 3)
        var fields = [
            ("sent", String(result.sent)),
            ("received", String(result.received)),
            ("lost", result.lost == 0 ? "0" : "\(result.lost) (\(lossPercent)%)"),
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
        fields.append(("echoes/s", PrintfNumber.fixed(result.echoesPerSecond, digits: 0)))
        fields.append(("RTT µs", result.latency.map(percentiles) ?? "-"))
        let width = fields.map(\.0.count).max() ?? 0
        let lines = fields.map { key, value in
            (key + ":").padded(toLength: width + 2) + value
        }
        return ([heading] + lines).joined(separator: "\n")
    }

    /// The result as one line of JSON, keys sorted: the options (`mode`, `window` or `rate`,
    /// `payload`, `size`, `sockets`, `threads`, `flows`, `gso`, `*_seconds`), the counts, `loss_percent`,
    /// `echoes_per_second` (to 0.1), and `rtt_p50_us` … `rtt_max_us` (`null` when nothing was received).
    static func json(_ result: BenchResult) -> String {
        let configuration = result.configuration
        var object: [String: JSONValue] = [
            "target": .string(configuration.target.description),
            "mode": .string(configuration.mode.name),
            "payload": .string(configuration.payload.rawValue),
            "size": integer(configuration.size),
            "sockets": integer(configuration.sockets),
            "threads": integer(configuration.threads),
            "flows": integer(configuration.flows),
            "gso": integer(configuration.train),
            "duration_seconds": number(configuration.duration.seconds),
            "warmup_seconds": number(configuration.warmup.seconds),
            "reply_timeout_seconds": number(configuration.replyTimeout.seconds),
            "sent": integer(result.sent),
            "received": integer(result.received),
            "lost": integer(result.lost),
            "loss_percent": number(result.lossPercent),
            "late": integer(result.late),
            "duplicates": integer(result.duplicates),
            "invalid": integer(result.invalid),
            "unsent": integer(result.unsent),
            "errors": integer(result.errors),
            "echoes_per_second": number((result.echoesPerSecond * 10).rounded() / 10),
        ]
        switch configuration.mode {
        case .pingpong: break
        case .window(let outstanding): object["window"] = integer(outstanding)
        case .rate(let perSecond): object["rate"] = integer(perSecond)
        }
        let latency = result.latency
        let percentiles: [(String, UInt64?)] = [
            ("rtt_p50_us", latency?.p50), ("rtt_p90_us", latency?.p90), ("rtt_p99_us", latency?.p99),
            ("rtt_p99_9_us", latency?.p99_9), ("rtt_max_us", latency?.max),
        ]
        for (key, nanoseconds) in percentiles {
            object[key] = nanoseconds.map { number(Double($0) / 1000) } ?? .null
        }
        // Every value is a string, a finite number or null, which JSON can hold.
        guard let data = try? JSONEncoder.control.encode(object) else {
            return #"{"error":"the result cannot be written as JSON"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// `value`, or `null` when it is not finite (a rate over no time): JSON has no NaN or infinity.
    private static func number(_ value: Double) -> JSONValue {
        value.isFinite ? .number(value) : .null
    }

    /// A count as a JSON integer.
    private static func integer(_ value: some BinaryInteger) -> JSONValue {
        .integer(Int64(clamping: value))
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
        .map { name, nanoseconds in "\(name) \(PrintfNumber.fixed(Double(nanoseconds) / 1000, digits: 1))" }
        .joined(separator: "  ")
    }
}
