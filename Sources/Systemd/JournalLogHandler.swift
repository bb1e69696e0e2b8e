import CSystemd
import Logging
import UDPLabOS

/// A swift-log handler that writes native journal entries (`sd_journal_sendv(3)`), with a
/// `MESSAGE_ID` per event type and metadata as `UDPLAB_` fields, so `journalctl -x` explains
/// each event and `journalctl UDPLAB_ENGINE=echo` finds an engine's history.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    private let identifier: String
    private let currentLevel: @Sendable () -> Logger.Level
    private let changeLevel: @Sendable (Logger.Level) -> Void

    /// A handler whose level is read from (and written to) shared state, so one call changes
    /// what every logger of the daemon writes.
    public init(
        identifier: String,
        level: @escaping @Sendable () -> Logger.Level,
        setLevel: @escaping @Sendable (Logger.Level) -> Void
    ) {
        self.identifier = identifier
        self.currentLevel = level
        self.changeLevel = setLevel
    }

    public var logLevel: Logger.Level {
        get { currentLevel() }
        set { changeLevel(newValue) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if let error = event.error {
            merged["error"] = "\(error)"
        }
        let fields = JournalFields.fields(
            message: "\(event.message)",
            level: event.level,
            metadata: merged,
            identifier: identifier,
            file: event.file,
            line: event.line,
            function: event.function
        )
        Self.send(fields)
    }

    /// Sends one entry. The corresponding C call is `sd_journal_sendv(3)` (through the C shim,
    /// which builds its iovec array).
    static func send(_ fields: [String]) {
        let buffers = fields.map { field -> UnsafeMutableRawBufferPointer in
            let bytes = Array(field.utf8)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
            buffer.copyBytes(from: bytes)
            return UnsafeMutableRawBufferPointer(rebasing: buffer[..<bytes.count])
        }
        // Each buffer is allocated above and freed only after the call has returned.
        defer {
            for buffer in buffers { buffer.deallocate() }
        }
        let bases = buffers.map { UnsafeRawPointer($0.baseAddress) }
        let lengths = buffers.map(\.count)
        _ = CSystemd_journal_send(bases, lengths, Int32(buffers.count))
    }

    /// `true` when stderr is connected to the journal (`$JOURNAL_STREAM` names its device and
    /// inode), the way systemd says to decide whether to switch to native entries.
    public static func isStandardErrorJournal(environment: [String: String]) -> Bool {
        guard let stream = environment["JOURNAL_STREAM"], let identity = StandardError.streamIdentity else {
            return false
        }
        return stream == identity
    }
}
