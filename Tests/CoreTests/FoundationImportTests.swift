import Foundation
import Testing

/// No installed program or library target imports Foundation: its ICU data would make
/// udplabd and udplabctl tens of megabytes (docs/architecture.md, *Binary sizes*).
/// FoundationEssentials (Data, Date, JSONEncoder, FileManager) is what they may use.
@Suite("Foundation imports")
struct FoundationImportTests {
    @Test("No file under Sources/ imports Foundation; FoundationEssentials is allowed")
    func noFoundation() throws {
        let sources = try LayerImportTests.sources()
        #expect(sources.count > 100)
        for (path, text) in sources where !LayerImportTests.buildTools.contains(where: path.hasPrefix) {
            #expect(!LayerImportTests.imports(of: text).contains("Foundation"), "\(path) imports Foundation")
        }
    }
}
