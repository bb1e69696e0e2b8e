import Logging
import TOMLKit
import UDPLabOS

extension ConfigReader {
    /// The keys `[daemon]` takes.
    static let daemonKeys = [
        "socket", "socket_mode", "state_dir", "stats_interval", "log_level", "metrics_listen", "metrics_allow_remote",
        "metrics_socket",
    ]
    /// The statistics intervals allowed: more than nothing, and at least one summary a day.
    static let statsIntervalRange = Duration.milliseconds(1)...Duration.seconds(24 * 3600)
    /// The longest Unix socket path: `sun_path` holds 108 bytes, the last one a NUL.
    static let maximumSocketPathBytes = 107

    /// Reads the `[daemon]` table into `config`, leaving the default of every missing or wrong key.
    mutating func readDaemon(_ table: TOMLTable, into config: inout DaemonConfig) {
        let lines = sourceMap.daemonTable
        var metricsLine: Int?
        for (key, value) in table {
            let line = lines.line(of: key)
            switch key {
            case "socket":
                guard let path = absolutePath(value, key: key, at: line) else { continue }
                guard path.utf8.count <= Self.maximumSocketPathBytes else {
                    report(
                        "socket path is \(path.utf8.count) bytes long: a Unix socket path has at most "
                            + "\(Self.maximumSocketPathBytes)",
                        at: line
                    )
                    continue
                }
                config.socketPath = path
            case "state_dir":
                config.stateDirectory = absolutePath(value, key: key, at: line)
            case "stats_interval":
                config.statsInterval = statsInterval(value, at: line) ?? config.statsInterval
            case "log_level":
                config.logLevel = logLevel(value, at: line) ?? config.logLevel
            case "metrics_listen":
                metricsLine = line
                config.metricsListen = metricsAddress(value, at: line)
            case "metrics_allow_remote":
                config.metricsAllowRemote = boolean(value, key: key, at: line) ?? config.metricsAllowRemote
            case "metrics_socket":
                guard let path = absolutePath(value, key: key, at: line) else { continue }
                guard path.utf8.count <= Self.maximumSocketPathBytes else {
                    report(
                        "metrics_socket path is \(path.utf8.count) bytes long: a Unix socket path has at most "
                            + "\(Self.maximumSocketPathBytes)",
                        at: line
                    )
                    continue
                }
                config.metricsSocketPath = path
            case "socket_mode":
                config.socketMode =
                    socketMode(value, writtenAs: lines.valueText(of: key), at: line) ?? config.socketMode
            default:
                reportUnknownKey(key, in: "[daemon]", known: Self.daemonKeys, at: line)
            }
        }
        if let address = config.metricsListen, let line = metricsLine,
            let problem = DaemonConfig.metricsListenProblem(address, allowRemote: config.metricsAllowRemote)
        {
            report(problem, at: line)
            config.metricsListen = nil
        }
    }

    /// `metrics_listen`: `HOST:PORT`, as engines' addresses are written.
    /// - Returns: `nil` after reporting a problem.
    private mutating func metricsAddress(_ value: any TOMLValueConvertible, at line: Int) -> SocketAddress? {
        guard let text = string(value, key: "metrics_listen", at: line) else { return nil }
        do {
            return try SocketAddress(parsing: text)
        } catch {
            report("metrics_listen \(error): write e.g. \"127.0.0.1:9477\"", at: line)
            return nil
        }
    }

    /// `socket` or `state_dir`: an absolute path, since the daemon's working directory is `/`
    /// under systemd and a relative path would mean something else from a shell.
    /// - Returns: `nil` after reporting a problem.
    private mutating func absolutePath(_ value: any TOMLValueConvertible, key: String, at line: Int) -> String? {
        guard let path = string(value, key: key, at: line) else { return nil }
        guard path.hasPrefix("/") else {
            report("\(key) '\(path)' is not an absolute path: write it from /", at: line)
            return nil
        }
        return path
    }

    /// `stats_interval`: `"60s"`, `"500ms"`, `"2m"`, `"1h"`, or an integer number of seconds.
    /// - Returns: `nil` after reporting a problem.
    private mutating func statsInterval(_ value: any TOMLValueConvertible, at line: Int) -> Duration? {
        let interval: Duration
        let written: String
        if let seconds = value.int {
            interval = .seconds(seconds)
            written = "\(seconds)"
        } else if let text = value.string {
            guard let parsed = try? Duration(parsing: text, as: .configFile) else {
                report(
                    "stats_interval '\(text)' is not a duration: write e.g. \"60s\", \"500ms\", \"2m\", \"1h\" "
                        + "or a number of seconds",
                    at: line
                )
                return nil
            }
            interval = parsed
            written = "'\(text)'"
        } else {
            let found = Self.describe(value.type)
            report("stats_interval must be a duration like \"60s\" or a number of seconds, not \(found)", at: line)
            return nil
        }
        guard Self.statsIntervalRange.contains(interval) else {
            report("stats_interval \(written) is out of range: use 1ms to 24h", at: line)
            return nil
        }
        return interval
    }

    /// `log_level`: one of swift-log's level names.
    /// - Returns: `nil` after reporting a problem.
    private mutating func logLevel(_ value: any TOMLValueConvertible, at line: Int) -> Logger.Level? {
        guard let text = string(value, key: "log_level", at: line) else { return nil }
        guard let level = Logger.Level(rawValue: text) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            report("log_level '\(text)' is not a level: use one of \(names)", at: line)
            return nil
        }
        return level
    }

    /// `socket_mode`: octal permission bits, as a string (`"0660"`) or an integer written in octal
    /// digits (`0o660` or `660`, read as octal like chmod does).
    ///
    /// TOMLKit gives an integer's value, not how it was written, and `0o660` and `660` must both
    /// mean 0o660, so an integer is read again from the text.
    /// - Parameter writtenAs: the value as written in the file; `nil` for an inline `[daemon]`.
    /// - Returns: `nil` after reporting a problem.
    private mutating func socketMode(
        _ value: any TOMLValueConvertible,
        writtenAs valueText: String?,
        at line: Int
    ) -> UInt16? {
        let digits: String
        let written: String
        if let text = value.string {
            digits = text
            written = "'\(text)'"
        } else if value.int != nil {
            guard let valueText else {
                report("write socket_mode as a string of octal digits, like \"0660\"", at: line)
                return nil
            }
            let withoutPrefix = valueText.hasPrefix("0o") ? valueText.dropFirst(2) : Substring(valueText)
            digits = String(withoutPrefix.filter { $0 != "_" })
            written = valueText
        } else {
            report("socket_mode must be octal digits like \"0660\", not \(Self.describe(value.type))", at: line)
            return nil
        }
        guard !digits.isEmpty, digits.allSatisfy({ ("0"..."7").contains($0) }), let mode = Int(digits, radix: 8) else {
            report("socket_mode \(written) is not an octal mode: write e.g. \"0660\"", at: line)
            return nil
        }
        guard mode <= 0o777 else {
            report("socket_mode \(written) is out of range: use 0000 to 0777 (permission bits only)", at: line)
            return nil
        }
        return UInt16(mode)
    }
}
