import Logging
import Testing

@testable import UDPLabSystemd

/// The journal entry is built by a pure function: tested without journald.
@Suite("Journal fields")
struct JournalFieldsTests {
    @Test(
        "Metadata keys become valid UDPLAB_ field names",
        arguments: [
            ("engine", "UDPLAB_ENGINE"),
            ("rx_datagrams", "UDPLAB_RX_DATAGRAMS"),
            ("peer.uid", "UDPLAB_PEER_UID"),
            ("sl-signal", "UDPLAB_SL_SIGNAL"),
            ("état", "UDPLAB__TAT"),
            ("_private", "UDPLAB__PRIVATE"),
            ("9lives", "UDPLAB_9LIVES"),
        ]
    )
    func sanitisesKeys(key: String, field: String) {
        #expect(JournalFields.fieldName(forMetadataKey: key) == field)
    }

    @Test("Field names never exceed journald's 64 characters")
    func capsLength() {
        let name = JournalFields.fieldName(forMetadataKey: String(repeating: "k", count: 100))
        #expect(name.count == 64)
        #expect(name.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" })
    }

    @Test(
        "Levels map to syslog priorities",
        arguments: [
            (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
        ]
    )
    func priorities(level: Logger.Level, priority: Int) {
        #expect(JournalFields.priority(of: level) == priority)
    }

    @Test(
        "An event's entry carries its MESSAGE_ID, the code location and the metadata",
        arguments: JournalEvent.allCases
    )
    func eventEntry(event: JournalEvent) {
        let fields = JournalFields.fields(
            message: event.rawValue,
            level: .notice,
            metadata: ["engine": "echo", "rx_datagrams": "12"],
            identifier: "udplabd",
            file: "Daemon/Supervisor.swift",
            line: 42,
            function: "start(_:)"
        )
        #expect(
            fields == [
                "MESSAGE=\(event.rawValue)",
                "PRIORITY=5",
                "SYSLOG_IDENTIFIER=udplabd",
                "CODE_FILE=Daemon/Supervisor.swift",
                "CODE_LINE=42",
                "CODE_FUNC=start(_:)",
                "MESSAGE_ID=\(event.messageID)",
                "UDPLAB_ENGINE=echo",
                "UDPLAB_RX_DATAGRAMS=12",
            ]
        )
    }

    @Test("Message ids are distinct 128-bit lower-case hex")
    func messageIDs() {
        let ids = JournalEvent.allCases.map(\.messageID)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 32 && $0.allSatisfy { $0.isHexDigit && !$0.isUppercase } })
    }

    @Test("Other messages have no MESSAGE_ID")
    func plainMessage() {
        let fields = JournalFields.fields(
            message: "log level changed",
            level: .info,
            metadata: [:],
            identifier: "udplabd",
            file: "f",
            line: 1,
            function: "g"
        )
        #expect(!fields.contains { $0.hasPrefix("MESSAGE_ID=") })
    }
}
