import Logging

/// Builds the fields of one native journal entry: a pure function, so it is tested without journald.
public enum JournalFields {
    /// The fields of an entry for `event`, as `KEY=value` strings in the order they are sent.
    ///
    /// `MESSAGE`, `PRIORITY`, `SYSLOG_IDENTIFIER`, `CODE_FILE`/`CODE_LINE`/`CODE_FUNC`, the
    /// event's `MESSAGE_ID` when the message is a ``JournalEvent``, then every metadata key
    /// sanitised into a `UDPLAB_` field (`engine` → `UDPLAB_ENGINE`, `rx_datagrams` →
    /// `UDPLAB_RX_DATAGRAMS`).
    public static func fields(
        message: String,
        level: Logger.Level,
        metadata: Logger.Metadata,
        identifier: String,
        file: String,
        line: UInt,
        function: String
    ) -> [String] {
        var fields = [
            "MESSAGE=\(message)",
            "PRIORITY=\(priority(of: level))",
            "SYSLOG_IDENTIFIER=\(identifier)",
            "CODE_FILE=\(file)",
            "CODE_LINE=\(line)",
            "CODE_FUNC=\(function)",
        ]
        if let event = JournalEvent(message: message) {
            fields.append("MESSAGE_ID=\(event.messageID)")
        }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            fields.append("\(fieldName(forMetadataKey: key))=\(value)")
        }
        return fields
    }

    /// The syslog priority journald stores for `level`: 7 debug … 2 critical.
    public static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A journal field name for a swift-log metadata key: `UDPLAB_` + the key upper-cased, every
    /// character outside `[A-Z0-9_]` turned into `_`, at most 64 characters — journald's rules
    /// (a name starting with `_` or a digit, or any other character, would be dropped).
    public static func fieldName(forMetadataKey key: String) -> String {
        let body = key.uppercased().unicodeScalars.map { scalar -> Character in
            let isAllowed = ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
            return isAllowed ? Character(scalar) : "_"
        }
        return String(("UDPLAB_" + String(body)).prefix(64))
    }
}
