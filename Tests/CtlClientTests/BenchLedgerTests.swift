import Testing

@testable import CtlClient

/// How the request ledger classifies replies and gives up on requests.
@Suite("Bench ledger")
struct BenchLedgerTests {
    @Test("first reply is measured, a second is a duplicate, a never-sent number is unknown")
    func matching() {
        var ledger = RequestLedger()
        ledger.startMeasuring()
        ledger.recordSend(at: 100)
        ledger.recordSend(at: 200)
        #expect(ledger.pendingCount == 2)
        #expect(ledger.match(1) == .measured(sentAt: 200))
        #expect(ledger.match(1) == .duplicate)
        #expect(ledger.match(2) == .unknown)
        #expect(ledger.match(0) == .measured(sentAt: 100))
        #expect(ledger.pendingCount == 0)
        #expect(ledger.measuredSent == 2)
        #expect(ledger.lost == 0)
    }

    @Test("requests older than the deadline are lost; their replies come late")
    func expiry() {
        var ledger = RequestLedger()
        ledger.startMeasuring()
        for time: UInt64 in [10, 20, 30] { ledger.recordSend(at: time) }
        #expect(ledger.match(1) == .measured(sentAt: 20))
        ledger.expire(sentBefore: 25)
        #expect(ledger.lost == 1)
        #expect(ledger.pendingCount == 1)
        #expect(ledger.match(0) == .late)
        ledger.expire(sentBefore: .max)
        #expect(ledger.lost == 2)
        #expect(ledger.match(2) == .late)
    }

    @Test("warm-up requests are answered and expire without being counted")
    func warmup() {
        var ledger = RequestLedger()
        ledger.recordSend(at: 1)
        ledger.recordSend(at: 2)
        ledger.startMeasuring()
        ledger.recordSend(at: 3)
        #expect(ledger.match(0) == .warmup)
        #expect(ledger.match(0) == .warmup)
        ledger.expire(sentBefore: .max)
        #expect(ledger.lost == 1)
        #expect(ledger.match(1) == .warmup)
        #expect(ledger.measuredSent == 1)
    }

    @Test("a request still pending when the ring comes round is given up on")
    func wrap() {
        var ledger = RequestLedger()
        ledger.startMeasuring()
        for time in 0..<UInt64(RequestLedger.capacity) { ledger.recordSend(at: time) }
        for sequence in 1..<UInt64(RequestLedger.capacity) { _ = ledger.match(sequence) }
        #expect(ledger.lost == 0)
        ledger.recordSend(at: UInt64(RequestLedger.capacity))
        #expect(ledger.lost == 1)
        #expect(ledger.pendingCount == 1)
        #expect(ledger.match(0) == .late)
    }
}
