import FoundationEssentials
import UDPLabOS
import UDPLabProtocol

/// The human form of `status`: one `key: value` line per fact about the daemon.
enum StatusView {
    /// The lines, values aligned.
    /// - Parameters:
    ///   - status: the reply.
    ///   - now: the time to measure the uptime to.
    ///   - timeZone: the zone to show the start time in; `nil`: the system's local zone.
    static func text(_ status: StatusMethod.Reply, now: Date = Date(), timeZone: TimeZone? = nil) -> String {
        let started = Date(timeIntervalSince1970: Double(status.startedUsec) / 1_000_000)
        let fields = [
            ("version", "\(status.version) (interface \(status.interfaceVersion))"),
            ("pid", String(status.pid)),
            ("started", "\(timestamp(started, in: timeZone)) (up \(uptime(now.timeIntervalSince(started))))"),
            ("engines", "\(status.engines) (\(status.running) running)"),
            ("socket", status.socket),
            ("state directory", status.stateDir),
            ("config", status.config.isEmpty ? "(none)" : status.config),
            ("log level", status.logLevel),
        ]
        let width = fields.map(\.0.count).max() ?? 0
        return fields.map { key, value in (key + ":").padded(toLength: width + 2) + value
        }
        .joined(separator: "\n")
    }

    /// `2025-06-01 12:00:00 UTC`, or `CEST` and so on: the zone's abbreviation, `UTC` at offset 0.
    private static func timestamp(_ date: Date, in timeZone: TimeZone?) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let time =
            if let timeZone {
                CivilTime.fixed(secondsSince1970: seconds, utcOffset: timeZone.secondsFromGMT(for: date))
            } else {
                CivilTime.local(secondsSince1970: seconds)
            }
        let zone = time.utcOffset == 0 ? "UTC" : time.zoneAbbreviation
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let date = "\(time.year)-\(two(time.month))-\(two(time.day))"
        return "\(date) \(two(time.hour)):\(two(time.minute)):\(two(time.second)) \(zone)"
    }

    /// `3d 4h`, `2h 5m`, `4m 10s` or `12s`: the two largest units.
    private static func uptime(_ interval: TimeInterval) -> String {
        let seconds = max(0, Int(interval))
        let parts = [
            (seconds / 86_400, "d"), (seconds / 3600 % 24, "h"), (seconds / 60 % 60, "m"), (seconds % 60, "s"),
        ]
        let first = parts.firstIndex { $0.0 > 0 } ?? parts.count - 1
        return parts[first..<min(first + 2, parts.count)].map { "\($0.0)\($0.1)" }.joined(separator: " ")
    }
}
