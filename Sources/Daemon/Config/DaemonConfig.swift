import FoundationEssentials
import Logging
import TOMLKit
import UDPLabOS
import UDPLabProtocol

/// The daemon's config file: `[daemon]` settings and the `[[engine]]` tables started at boot and
/// reconciled on reload (`DESIGN.md` §6).
///
/// Parsing checks the whole file and reports every problem with its line (``ConfigError``), so a
/// reload applies a file only when all of it is valid.
struct DaemonConfig: Sendable, Equatable {
    /// The statistics interval when the file sets none.
    static let defaultStatsInterval = Duration.seconds(60)
    /// The control socket's mode when the file sets none: anyone may connect, and `SO_PEERCRED`
    /// decides what each peer may do (`DESIGN.md` §5).
    static let defaultSocketMode: UInt16 = 0o666
    /// The config the daemon uses when no `--config` is given, if it exists; else the embedded default.
    static let defaultPath = "/etc/udplabd/udplabd.toml"
    /// How problems in ``embeddedDefaultText`` name their source.
    static let embeddedDefaultSource = "<embedded default>"

    /// `[daemon] socket`: the control socket's path; `nil` for the usual rule (`DESIGN.md` §4).
    var socketPath: String?
    /// `[daemon] state_dir`: where `engines.json` lives; `nil` for the usual rule (`DESIGN.md` §6).
    var stateDirectory: String?
    /// `[daemon] stats_interval`: how often each engine's counters are logged.
    var statsInterval = DaemonConfig.defaultStatsInterval
    /// `[daemon] log_level`: the least severe level logged.
    var logLevel = Logger.Level.info
    /// `[daemon] socket_mode`: the control socket's permission bits, at most 0o777.
    var socketMode = DaemonConfig.defaultSocketMode
    /// `[daemon] metrics_listen`: where `GET /metrics` is served; `nil` (the default) for no endpoint.
    var metricsListen: SocketAddress?
    /// `[daemon] metrics_allow_remote`: `metrics_listen` may be an address other hosts reach.
    var metricsAllowRemote = false
    /// `[daemon] metrics_socket`: where `io.systemd.Metrics` is served; `nil` (the default) for none.
    var metricsSocketPath: String?
    /// The `[[engine]]` tables, in file order.
    var engines: [EngineDefinition] = []

    /// Why the metrics endpoint may not listen on `address`: only loopback addresses, unless the
    /// config allows others (the endpoint has no authentication); `nil` when it may.
    static func metricsListenProblem(_ address: SocketAddress, allowRemote: Bool) -> String? {
        guard !address.isLoopback, !allowRemote else { return nil }
        return "metrics_listen \(address) is not a loopback address: the endpoint has no authentication; "
            + "set metrics_allow_remote = true to serve other hosts"
    }

    /// Parses a config.
    /// - Parameters:
    ///   - text: the TOML text.
    ///   - source: names the text in problems: a path, or ``embeddedDefaultSource``.
    /// - Throws: ``ConfigError`` with every problem: one for a syntax error, else one per bad
    ///   table, key or value.
    static func parse(_ text: String, source: String) throws(ConfigError) -> DaemonConfig {
        // TOMLKit hands the text to C, where a NUL would silently end it.
        if let nul = text.utf8.firstIndex(of: 0) {
            let line = text.utf8[..<nul].count { $0 == UInt8(ascii: "\n") } + 1
            throw ConfigError(problems: [ConfigProblem(source: source, line: line, message: "the text has a NUL byte")])
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch {
            let parseError = error as? TOMLParseError
            let message = parseError.map { "invalid TOML: \($0.description)" } ?? "invalid TOML: \(error)"
            throw ConfigError(problems: [
                ConfigProblem(source: source, line: parseError?.source.begin.line, message: message)
            ])
        }
        var reader = ConfigReader(source: source, sourceMap: ConfigSourceMap(text: text))
        let config = reader.read(root)
        guard reader.problems.isEmpty else { throw ConfigError(problems: reader.problemsInLineOrder) }
        return config
    }

    /// Reads and parses a config file.
    /// - Parameter path: the file; problems name it as given.
    /// - Throws: ``ConfigError``: one problem without a line if the file cannot be read or is not
    ///   UTF-8, else those of ``parse(_:source:)``.
    static func load(path: String) throws(ConfigError) -> DaemonConfig {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = readFailureReason(error, path: path)
            throw ConfigError(problems: [ConfigProblem(source: path, line: nil, message: "cannot read: \(reason)")])
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ConfigError(problems: [ConfigProblem(source: path, line: nil, message: "the file is not UTF-8 text")])
        }
        return try parse(text, source: path)
    }

    /// Says why `path` could not be read, shorter than Foundation's "The operation could not be
    /// completed" messages.
    private static func readFailureReason(_ error: any Error, path: String) -> String {
        var isDirectory = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory {
            return "it is a directory"
        }
        switch (error as? CocoaError)?.code {
        case .fileReadNoSuchFile?: return "no such file"
        case .fileReadNoPermission?: return "permission denied"
        default:
            // The errno of the failed read (`EIO`) where there is one.
            if let cause = (error as? CocoaError)?.underlying as? POSIXError { return "\(cause.code)" }
            return String(describing: error)
        }
    }
}
