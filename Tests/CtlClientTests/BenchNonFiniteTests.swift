import Foundation
import Testing
import UDPLabOS

@testable import CtlClient

/// `bench --json` writes JSON whatever the figures: a rate over a duration shorter than a
/// nanosecond is not a number, and JSON has none for it.
@Suite("Bench JSON without numbers")
struct BenchNonFiniteTests {
    @Test("A rate that is not finite is written as null, not a trap")
    func nonFiniteRateIsNull() throws {
        let result = BenchResult(
            configuration: try BenchConfiguration(
                target: SocketAddress(parsing: "127.0.0.1:2000"),
                duration: Duration(secondsComponent: 0, attosecondsComponent: 1)
            ),
            sent: 10,
            received: 9,
            lost: 1,
            late: 0,
            duplicates: 0,
            invalid: 0,
            unsent: 0,
            errors: 0,
            latency: nil
        )
        #expect(!result.echoesPerSecond.isFinite)
        let object = try JSONSerialization.jsonObject(with: Data(BenchView.json(result).utf8)) as? [String: Any]
        #expect(object?["echoes_per_second"] is NSNull)
        #expect(object?["received"] as? Int == 9)
    }
}
