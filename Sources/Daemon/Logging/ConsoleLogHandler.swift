import FoundationEssentials
import Logging
import UDPLabOS

/// A swift-log handler writing one line per event to stderr: `info engine started name=echo …`.
///
/// Under systemd, stderr goes to the journal, which adds the time itself; by hand, each line
/// starts with the time.
struct ConsoleLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    private let label: String
    private let levelControl: LogLevelControl
    private let showsTime: Bool

    /// A handler for `label` whose level follows `levelControl`.
    init(label: String, levelControl: LogLevelControl, showsTime: Bool) {
        self.label = label
        self.levelControl = levelControl
        self.showsTime = showsTime
    }

    var logLevel: Logger.Level {
        get { levelControl.current }
        set { levelControl.current = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        StandardError.write(Self.line(for: event, metadata: merged, showsTime: showsTime))
    }

    /// The text of one event, newline included.
    static func line(for event: LogEvent, metadata: Logger.Metadata, showsTime: Bool) -> String {
        var line = showsTime ? Date().formatted(.iso8601) + " " : ""
        line += "\(event.level) \(event.message)"
        for key in metadata.keys.sorted() {
            line += " \(key)=\(metadata[key]!)"
        }
        if let error = event.error {
            line += " error=\"\(error)\""
        }
        return line + "\n"
    }
}
