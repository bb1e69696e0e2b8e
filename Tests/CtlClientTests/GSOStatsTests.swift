import Foundation
import Testing

@testable import CtlClient
@testable import UDPLabProtocol

/// `udplabctl stats` and the wire form of backend gso's counters.
@Suite("gso counters in stats")
struct GSOStatsTests {
    static var gsoStats: EngineStats {
        var stats = Fixtures.busyStats
        stats.name = "gso"
        stats.backend = "gso"
        stats.counters.groBuffers = 60
        stats.counters.gsoSends = 62
        stats.counters.gsoFallbacks = 0
        return stats
    }

    @Test("A table with a gso engine shows gro buffers, gso sends and gso fallbacks, - for the others")
    func rowsOnlyWithGSO() {
        let text = StatsView.text([Self.gsoStats, Fixtures.busyStats])
        let rows = text.split(separator: "\n").map(String.init)
        #expect(rows.contains { $0.hasPrefix("gro buffers") && $0.hasSuffix("60               -") })
        #expect(rows.contains { $0.hasPrefix("gso sends") && $0.hasSuffix("62               -") })
        #expect(rows.contains { $0.hasPrefix("gso fallbacks") && $0.hasSuffix("0               -") })
        #expect(!StatsView.text([Fixtures.busyStats]).contains("gso"))
    }

    @Test("The counters go on the wire as gro_buffers, gso_sends, gso_fallbacks and read back as 0 when absent")
    func wireForm() throws {
        let encoded = try JSONEncoder().encode(Self.gsoStats.counters)
        let object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        #expect(object["gro_buffers"] as? Int == 60)
        #expect(object["gso_sends"] as? Int == 62)
        #expect(object["gso_fallbacks"] as? Int == 0)
        #expect(try JSONDecoder().decode(CounterSnapshot.self, from: encoded) == Self.gsoStats.counters)

        // An older daemon sends none of them.
        var older = object
        for key in ["gro_buffers", "gso_sends", "gso_fallbacks"] { older[key] = nil }
        let decoded = try JSONDecoder().decode(
            CounterSnapshot.self,
            from: try JSONSerialization.data(withJSONObject: older)
        )
        #expect(decoded.groBuffers == 0 && decoded.gsoSends == 0 && decoded.gsoFallbacks == 0)
        #expect(decoded.rxDatagrams == Self.gsoStats.counters.rxDatagrams)
    }
}
