import Logging
import UDPLabSystemd

extension Logger {
    /// Logs `event` with its fixed message text, so the journal handler can attach its `MESSAGE_ID`.
    func log(_ event: JournalEvent, level: Logger.Level, metadata: Logger.Metadata = [:]) {
        log(level: level, "\(event.rawValue)", metadata: metadata)
    }
}
