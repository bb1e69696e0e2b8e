import Foundation
import Testing
import UDPLabSystemd

/// `packaging/udplabd.catalog` explains every event udplabd logs, and nothing else.
@Suite("Journal message catalog")
struct CatalogTests {
    /// The catalog's entries: each `-- ID` line with the lines up to the next one.
    static func entries() throws -> [(id: String, lines: [Substring])] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("packaging/udplabd.catalog"), encoding: .utf8)
        var entries: [(id: String, lines: [Substring])] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-- ") {
                entries.append((String(line.dropFirst(3)), []))
            } else if !entries.isEmpty {
                entries[entries.count - 1].lines.append(line)
            }
        }
        return entries
    }

    @Test("Every MESSAGE_ID has exactly one entry, with a Subject, and there are no others")
    func everyEventOnce() throws {
        let entries = try Self.entries()
        let ids = entries.map(\.id)
        for event in JournalEvent.allCases {
            #expect(ids.filter { $0 == event.messageID }.count == 1, "\(event) \(event.messageID)")
        }
        let known = Set(JournalEvent.allCases.map(\.messageID))
        #expect(ids.filter { !known.contains($0) }.isEmpty)
        for entry in entries {
            #expect(entry.lines.contains { $0.hasPrefix("Subject: ") && $0.count > 9 }, "\(entry.id)")
            #expect(entry.lines.contains("Defined-By: udplabd"), "\(entry.id)")
        }
    }

    @Test("Each entry's id is 32 lower-case hex digits and its prose follows one blank line")
    func entryShape() throws {
        for entry in try Self.entries() {
            #expect(entry.id.count == 32 && entry.id.allSatisfy { "0123456789abcdef".contains($0) }, "\(entry.id)")
            let blank = entry.lines.firstIndex(of: "")
            #expect(blank != nil && entry.lines[..<blank!].allSatisfy { $0.contains(": ") }, "\(entry.id)")
            #expect(entry.lines.dropFirst((blank ?? 0) + 1).contains { !$0.isEmpty }, "\(entry.id) has no prose")
        }
    }
}
