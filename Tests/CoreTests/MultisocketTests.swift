import Testing

@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// The seed's lesson as numbers: notifications are per task, not per future.
@Suite("Multisocket")
struct MultisocketTests {
    static func spec(_ strategy: Strategy, count: Int = 10) -> EngineSpec {
        EngineSpec(kind: .multisocket, bind: SocketAddress(loopbackPort: 0), strategy: strategy, count: count)
    }

    /// Future polls a lone datagram on one of ten sockets costs.
    static func expectedFuturePolls(_ strategy: Strategy) -> UInt64 {
        strategy == .join ? 10 : 1
    }

    @Test(
        "A datagram on one of 10 sockets: join polls all 10 futures; spawn, unordered, taskgroup poll 1",
        arguments: Strategy.allCases
    )
    func futurePollsPerDatagram(strategy: Strategy) throws {
        let engine = try Engine.start(Self.spec(strategy))
        defer { engine.stop() }
        #expect(engine.sockets.addresses.count == 10)
        let client = try TestClient()
        // Start-up polls every future once; then each datagram costs what the strategy costs.
        try waitUntil("start-up polls done") { engine.counters.futurePolls.value >= 10 && engine.counters.isWaiting }
        for round in 0..<3 {
            let target = engine.sockets.addresses[(round * 3 + 4) % 10]
            let before = engine.counterSnapshot()
            try client.send([UInt8(round)], to: target)
            try waitUntil("the datagram is counted") { engine.counters.rxDatagrams.value == before.rxDatagrams + 1 }
            try waitUntil("the loop waits again") { engine.counters.isWaiting }
            let after = engine.counterSnapshot()
            #expect(after.futurePolls - before.futurePolls == Self.expectedFuturePolls(strategy), "round \(round)")
        }
    }

    @Test("The readiness cache: in join, the nine idle sockets make no receive syscall")
    func readinessCacheSavesSyscalls() throws {
        let engine = try Engine.start(Self.spec(.join))
        defer { engine.stop() }
        let client = try TestClient()
        try waitUntil("start-up done") { engine.counters.futurePolls.value >= 10 && engine.counters.isWaiting }
        let before = engine.counterSnapshot()
        try client.send([1], to: engine.sockets.addresses[7])
        try waitUntil("the datagram is counted") { engine.counters.rxDatagrams.value == before.rxDatagrams + 1 }
        try waitUntil("the loop waits again") { engine.counters.isWaiting }
        let after = engine.counterSnapshot()
        // Every other syscall is a wait (one per wakeup): the receive syscalls are exactly the
        // datagram and the would-block that ends the drain, both on socket 7.
        #expect((after.syscalls - before.syscalls) - (after.wakeups - before.wakeups) == 2)
        #expect(after.futurePolls - before.futurePolls == 10)
        #expect(after.recvWouldBlock - before.recvWouldBlock == 1)
    }

    @Test("10,000 datagrams over 10 ports are all counted, per socket", arguments: Strategy.allCases)
    func countsEverything(strategy: Strategy) throws {
        let engine = try Engine.start(Self.spec(strategy))
        defer { engine.stop() }
        let client = try TestClient()
        var expected = [UInt64](repeating: 0, count: 10)
        for index in 0..<10_000 {
            let socket = (index * 7) % 10
            try client.send([UInt8(index & 0xFF)], to: engine.sockets.addresses[socket])
            expected[socket] += 1
            // Pace the sender so no socket's receive buffer overflows: counting, not load, is tested.
            if index % 200 == 199 {
                try waitUntil("the engine catches up") { engine.counters.rxDatagrams.value >= UInt64(index + 1) - 100 }
            }
        }
        try waitUntil("all 10,000 are counted") {
            engine.counters.rxDatagrams.value + engine.counterSnapshot().kernelDrops == 10_000
        }
        #expect(engine.counterSnapshot().kernelDrops == 0)
        #expect(engine.sockets.receiveCounts == expected)
        #expect(engine.counters.txDatagrams.value == 0, "multisocket never echoes")
    }

    @Test("Consecutive ports from the bind address")
    func consecutivePorts() throws {
        let probe = try UDPSocket(binding: SocketAddress(loopbackPort: 0))
        let base = probe.localAddress.port
        _ = consume probe
        guard base < 65000 else { return }
        var spec = Self.spec(.spawn, count: 3)
        spec.bind = SocketAddress(loopbackPort: base)
        guard let engine = try? Engine.start(spec) else { return }  // a neighbour port was taken meanwhile
        defer { engine.stop() }
        #expect(engine.sockets.addresses.map(\.port) == [base, base + 1, base + 2])
    }
}
