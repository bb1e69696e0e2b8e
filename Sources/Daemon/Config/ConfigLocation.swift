import FoundationEssentials

/// Which config the daemon reads, by the one rule that serving, `check-config` and reload share:
/// `--config PATH` if given; else ``DaemonConfig/defaultPath`` if a file is there; else the
/// embedded default (``DaemonConfig/embeddedDefaultText``).
///
/// The rule is applied afresh each time (``init(explicitPath:)``), so a reload finds a default
/// file created, or removed, since start-up.
enum ConfigLocation: Equatable, Sendable {
    /// A file: `--config`'s, or the default path.
    case file(String)
    /// No file: the text built into udplabd.
    case embeddedDefault

    /// Applies the rule now.
    /// - Parameter explicitPath: `--config`, or `nil`.
    init(explicitPath: String?) {
        if let explicitPath {
            self = .file(explicitPath)
        } else if FileManager.default.fileExists(atPath: DaemonConfig.defaultPath) {
            self = .file(DaemonConfig.defaultPath)
        } else {
            self = .embeddedDefault
        }
    }

    /// The file's path; `nil` for the embedded default.
    var path: String? {
        guard case .file(let path) = self else { return nil }
        return path
    }

    /// How problems, logs and `Status` name it: the path, or ``DaemonConfig/embeddedDefaultSource``.
    var source: String { path ?? DaemonConfig.embeddedDefaultSource }

    /// Reads and parses the config.
    /// - Throws: ``ConfigError`` with every problem, each naming ``source``.
    func load() throws(ConfigError) -> DaemonConfig {
        switch self {
        case .file(let path): try DaemonConfig.load(path: path)
        case .embeddedDefault: try DaemonConfig.parse(DaemonConfig.embeddedDefaultText, source: source)
        }
    }
}
