import Foundation
import Testing
import UDPLabCommandLine
import UDPLabProtocol

/// The metric catalogue is the one declaration of every metric: names unique and by Prometheus'
/// conventions, and the README's list and protocol.md's IDL are its rendering.
@Suite("Metric catalogue")
struct MetricCatalogueTests {
    @Test("Each metric is declared once, named by Prometheus' conventions and io.systemd.Metrics' rules")
    func names() {
        let all = MetricCatalogue.all
        #expect(Set(all.map(\.name)).count == all.count)
        #expect(Set(all.map(\.systemdName)).count == all.count)
        for metric in all {
            #expect(metric.name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(metric.name)")
            #expect((metric.type == .counter) == metric.name.hasSuffix("_total"), "\(metric.name)")
            if let unit = metric.unit { #expect(metric.name.contains("_\(unit)"), "\(metric.name) in \(unit)") }
            #expect(metric.name.hasPrefix("udplab_") || metric.name.hasPrefix("process_"))
            // systemd-report keeps only names under its source's name with a field-like last part.
            #expect(metric.systemdName.hasPrefix(SystemdMetrics.sourceName + "."), "\(metric.systemdName)")
            let last = metric.systemdName.split(separator: ".").last ?? ""
            #expect(last.first?.isLowercase == true && last.allSatisfy { $0.isLetter || $0.isNumber })
            #expect(!metric.help.isEmpty)
        }
    }

    @Test("The README's metric list and protocol.md's io.systemd.Metrics IDL are the catalogue's rendering")
    func generatedDocs() throws {
        for region in GeneratedDocs.regions
        where region.markers.map({ $0.begin.contains("metrics") || $0.begin.contains("Metrics") }) == true {
            let file = try String(
                contentsOfFile: ChildProcess.packageRoot.appendingPathComponent(region.path).path,
                encoding: .utf8
            )
            #expect(try GeneratedDocs.rendering(region, in: file) == file, "\(region.path) is stale: run make docs")
        }
        let readme = try String(
            contentsOfFile: ChildProcess.packageRoot.appendingPathComponent("README.md").path,
            encoding: .utf8
        )
        for metric in MetricCatalogue.all {
            #expect(readme.contains("| `\(metric.name)` |"), "\(metric.name) in the README")
        }
    }
}
