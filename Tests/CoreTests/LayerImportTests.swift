import Foundation
import Testing

/// The layers the targets cannot hold on their own: every Swift target on Linux may
/// `import Glibc`, so which folders may import libc, libsystemd and SwiftNIO is checked here,
/// file by file, against the sources (docs/architecture.md, *Layers*).
@Suite("Layer imports")
struct LayerImportTests {
    /// A module and the folders under `Sources/` whose files may import it: NIO, the NIO backends
    /// and the metrics endpoint's HTTP server (and the Prometheus library, the endpoint alone).
    static let rules: [(module: String, folders: [String])] = [
        ("Glibc", ["OS/"]), ("CLinux", ["OS/"]), ("CURing", ["OS/URing/"]),
        ("CSystemd", ["Systemd/"]),
        ("NIO", ["Engines/Echo/NIO/", "Metrics/"]),
        ("Prometheus", ["Metrics/"]),
    ]

    /// Build-time tools: they run on the build host while SwiftPM builds (the embedded default
    /// config's plugin tool), are not linked into anything udplab installs, and may use libc.
    static let buildTools = ["EmbedText/"]

    /// Every Swift file under `Sources/`, by path relative to it, with its text.
    static func sources() throws -> [(path: String, text: String)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let paths = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return try paths.filter { $0.hasSuffix(".swift") }.sorted().map { path in
            (path, try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8))
        }
    }

    /// The modules a file imports (`import X`, `@testable import X`, `import struct X.Y`, …).
    static func imports(of text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ").filter { !$0.hasPrefix("@") }
            guard words.first == "import", words.count >= 2 else { return nil }
            let name = words.count == 3 ? words[2] : words[1]
            return name.split(separator: ".").first.map(String.init)
        }
    }

    @Test(
        "Only OS imports libc (only OS/URing liburing), only Systemd libsystemd, only Engines/Echo/NIO and Metrics NIO"
    )
    func layers() throws {
        let sources = try Self.sources()
        #expect(sources.count > 100)
        for (path, text) in sources where !Self.buildTools.contains(where: path.hasPrefix) {
            for module in Self.imports(of: text) {
                for rule in Self.rules where module == rule.module || module.hasPrefix(rule.module) {
                    #expect(rule.folders.contains(where: path.hasPrefix), "\(path) imports \(module)")
                }
            }
        }
    }

    @Test("The check sees an import of each kind")
    func parser() {
        #expect(
            Self.imports(of: "import Glibc\n@testable import NIOCore\nimport struct NIOPosix.X") == [
                "Glibc", "NIOCore", "NIOPosix",
            ]
        )
    }
}
