import Foundation
import Testing

@testable import Daemon

/// The one rule for which config the daemon reads (serving, `check-config` and reload).
@Suite("Config location")
struct ConfigLocationTests {
    @Test("--config wins, whether or not the file exists")
    func explicitPath() throws {
        let location = ConfigLocation(explicitPath: "/nonexistent/udplab/x.toml")
        #expect(location == .file("/nonexistent/udplab/x.toml"))
        #expect(location.path == "/nonexistent/udplab/x.toml")
        #expect(location.source == "/nonexistent/udplab/x.toml")
        #expect(throws: ConfigError.self) { try location.load() }
    }

    @Test("Without --config: the default path if a file is there, else the embedded default")
    func defaultRule() throws {
        let location = ConfigLocation(explicitPath: nil)
        if FileManager.default.fileExists(atPath: DaemonConfig.defaultPath) {
            #expect(location == .file(DaemonConfig.defaultPath))
        } else {
            #expect(location == .embeddedDefault)
            #expect(location.path == nil)
            #expect(location.source == "<embedded default>")
        }
    }

    @Test("The embedded default loads as the text built in, its problems named <embedded default>")
    func embeddedDefault() throws {
        let loaded = try ConfigLocation.embeddedDefault.load()
        #expect(loaded == (try DaemonConfig.parse(DaemonConfig.embeddedDefaultText, source: "x")))
        #expect(loaded.engines.map(\.name.rawValue) == ["echo"])
    }

    @Test("A file is read as DaemonConfig.load reads it, its problems named by its path")
    func file() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("udplab-location-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("udplabd.toml").path
        try Data("[daemon]\nstats_interval = \"5\"\n".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try ConfigLocation(explicitPath: path).load()
            Issue.record("loaded a bad file")
        } catch {
            #expect(error.problems.map(\.source) == [path])
            #expect(error.problems.first?.line == 2)
        }
    }
}
