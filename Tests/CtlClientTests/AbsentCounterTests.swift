import Foundation
import Testing
import UDPLabProtocol

@testable import CtlClient

/// `stats` shows a counter the daemon left out (the backend cannot see it) as absent, never 0.
@Suite("Absent counters")
struct AbsentCounterTests {
    /// The busy fixture as a `nio` engine, as the daemon sends it: its loop counters left out.
    static var nioStats: EngineStats {
        var stats = Fixtures.busyStats
        stats.name = "n"
        stats.backend = "nio"
        var wire = (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(stats))) as? [String: Any] ?? [:]
        var counters = wire["counters"] as? [String: Any] ?? [:]
        for counter in LoopCounter.allCases {
            counters[counter.rawValue] = nil
        }
        wire["counters"] = counters
        let data = (try? JSONSerialization.data(withJSONObject: wire)) ?? Data()
        return (try? JSONDecoder().decode(EngineStats.self, from: data)) ?? stats
    }

    @Test("A reply without a backend's loop counters decodes them as absent")
    func decodesMissingAsAbsent() {
        #expect(Self.nioStats.counters.absent == Set(LoopCounter.allCases))
        #expect(Self.nioStats.counters.value(.wakeups) == nil)
        #expect(Self.nioStats.counters.rxDatagrams == Fixtures.busyStats.counters.rxDatagrams)
    }

    @Test("stats shows n/a for them and for their ratios; the other engines' figures are unchanged")
    func showsAbsent() {
        let lines = StatsView.text([Fixtures.busyStats, Self.nioStats]).split(separator: "\n")
        func row(_ label: String) -> [Substring] {
            (lines.first { $0.hasPrefix(label + " ") } ?? "").split(separator: " ").suffix(2).map { $0 }
        }
        for label in ["wakeups/datagram", "syscalls/datagram", "task polls/datagram", "future polls/datagram"] {
            #expect(row(label).last == "n/a", "\(label)")
            #expect(row(label).first != "n/a", "\(label) of the udplab backend")
        }
        for label in ["events", "waker writes"] {
            #expect(row(label).last == "n/a", "\(label)")
        }
        #expect(row("rx datagrams").first == row("rx datagrams").last, "rx is seen on both")
        #expect(row("kernel drops").last == "0", "kernel drops are seen on nio")
    }
}
