import Glibc
import Testing

@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// `--rate-limit` against a spoofed-source flood, on every backend: datagrams forged with a raw
/// socket from thousands of loopback sources (127.0.0.0/8 is all loopback, so the echoes stay on
/// this host), interleaved with two heavy sources that listen for their echoes, and a
/// legitimate client.
@Suite("Rate-limit flood")
struct RateLimitFloodTests {
    static let rate = RateLimit(pps: 5, burst: 5)
    /// More one-shot sources than the table has slots.
    static let oneShots = RateLimit.tableCapacity + 1000
    static let heavyDatagrams = 100

    @Test(
        "A spoofed flood: each heavy source gets at most its rate, every one-shot source and the client are served",
        .enabled(if: geteuid() == 0 && ForgedDatagram.isPermitted, "needs root: forges sources with a raw socket"),
        arguments: Backend.allCases
    )
    func floodIsLimited(backend: Backend) throws {
        let index = (Backend.allCases.firstIndex(of: backend) ?? 0) + 1
        let engine = try Engine.start(EngineSpec(backend: backend, bind: .init(loopbackPort: 0), rateLimit: Self.rate))
        defer { engine.stop() }
        let started = ContinuousClock.now
        let forger = try ForgedDatagram.Sender()
        let heavy = try (1...2).map { host in
            try TestClient(binding: SocketAddress(parsing: "127.91.\(index).\(host):0"))
        }
        let client = try TestClient()
        let payload = Array("flood".utf8)
        var sent = 0
        /// Waits until the engine has received all that was sent, so that nothing is lost to a
        /// full receive buffer.
        func settle() throws {
            try waitUntil("the engine received \(sent)") { engine.counters.rxDatagrams.value == UInt64(sent) }
        }

        try client.send(Array("first".utf8), to: engine.localAddress)
        sent += 1
        #expect(try client.expectDatagram() == Array("first".utf8))
        let rounds = Self.heavyDatagrams / 2
        for round in 0..<rounds {
            for source in heavy {
                for _ in 0..<2 { try forger.send(payload, from: source.address, to: engine.localAddress) }
                sent += 2
            }
            for shot in stride(from: round, to: Self.oneShots, by: rounds) {
                let spoofed = try SocketAddress(parsing: "127.\(100 + index).\(shot >> 8).\(shot & 255):4000")
                try forger.send(payload, from: spoofed, to: engine.localAddress)
                sent += 1
            }
            try settle()
        }
        try client.send(Array("last".utf8), to: engine.localAddress)
        sent += 1
        #expect(try client.expectDatagram() == Array("last".utf8), "the client is still served")
        let elapsed = ContinuousClock.now - started

        // Every echo to a heavy source was sent before the client's last one: it is queued.
        var echoes = 0
        for source in heavy {
            var received = 0
            while try source.receive(timeout: .milliseconds(20)) != nil { received += 1 }
            // Token-bucket arithmetic with room to spare: the burst, the rate over the whole run,
            // and one more.
            let bound = Self.rate.burst + Int((Double(Self.rate.pps) * Double(elapsed.components.seconds + 1))) + 1
            #expect(received >= Self.rate.burst, "a quiet source gets its burst")
            #expect(received <= bound, "at most \(bound) in \(elapsed), of \(Self.heavyDatagrams)")
            echoes += received
        }
        let counters = engine.counterSnapshot()
        #expect(counters.rxDatagrams == UInt64(sent))
        #expect(counters.rateLimited == UInt64(2 * Self.heavyDatagrams - echoes), "only the heavy sources are limited")
        #expect(counters.policyDrops == counters.rateLimited)
    }
}
