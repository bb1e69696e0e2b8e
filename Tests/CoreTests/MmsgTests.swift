import Dispatch
import Testing

@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// Backend mmsg: what batching saves in syscalls, and partial sends keeping their order. The
/// echo, queue, cost and lifecycle suites cover it with every other backend.
@Suite("Backend mmsg")
struct MmsgTests {
    @Test(
        "A burst of 100 queued before the loop first looks moves in ceil(100/batch) recvmmsg and as many sendmmsg calls",
        arguments: [32, 10, 1]
    )
    func burstIsBatched(batch: Int) throws {
        let released = DispatchSemaphore(value: 0)
        let spec = EngineSpec(backend: .mmsg, bind: .init(loopbackPort: 0), batch: batch)
        let engine = try Engine.start(spec, beforeLoop: { released.wait() })
        defer { engine.stop() }
        let client = try TestClient()
        // Loopback delivers each datagram into the engine's receive queue before sendto returns.
        for index in 0..<100 {
            try client.send([UInt8(index)], to: engine.localAddress)
        }
        released.signal()

        for index in 0..<100 {
            #expect(try client.expectDatagram() == [UInt8(index)])
        }
        try waitUntil("the loop waits") { engine.counters.isWaiting }
        let counters = engine.counters.snapshot()
        // Every syscall but the set-up (epoll_create1, two epoll_ctl), the waits entered, interest
        // changes and the calls that moved nothing is a recvmmsg or sendmmsg that moved datagrams.
        let setUp: UInt64 = 3
        let moving =
            counters.syscalls - setUp - engine.counters.heartbeats.value - counters.interestChanges
            - counters.recvWouldBlock - counters.sendWouldBlock
        let batches = UInt64((100 + batch - 1) / batch)
        #expect(moving <= 2 * batches, "\(moving) recvmmsg and sendmmsg calls moved datagrams")
        #expect(counters.rxDatagrams == 100)
        #expect(counters.txDatagrams == 100)
        #expect(counters.dropped == 0)
        #expect(counters.queueHighWater <= UInt64(spec.queueCapacity))
    }

    @Test("A sendmmsg that sends part of its batch leaves the rest queued, in order")
    func partialSendKeepsOrder() throws {
        let gate = SendGate()
        let engine = try Engine.start(EngineSpec(backend: .mmsg, bind: .init(loopbackPort: 0)), sendGate: gate)
        defer { engine.stop() }
        let client = try TestClient()
        let payloads = (0..<5).map { [UInt8($0), 0xAA] }

        gate.close()
        for payload in payloads {
            try client.send(payload, to: engine.localAddress)
        }
        try waitUntil("all 5 are queued") { engine.counters.rxDatagrams.value == 5 }
        try waitUntil("a batch send would block") { engine.counters.sendWouldBlock.value > 0 }

        // The next sendmmsg of the 5 queued datagrams gets only 3 through.
        gate.allow(3)
        for expected in payloads.prefix(3) {
            #expect(try client.expectDatagram() == expected)
        }
        try waitUntil("3 are sent") { engine.counters.txDatagrams.value == 3 }
        #expect(try client.receive(timeout: .milliseconds(50)) == nil, "the other 2 wait for room")
        #expect(engine.counters.txDatagrams.value == 3)

        gate.open()
        for expected in payloads.suffix(2) {
            #expect(try client.expectDatagram() == expected, "the rest follow in order")
        }
        try waitUntil("all 5 are sent") { engine.counters.txDatagrams.value == 5 }
        #expect(engine.counters.dropped.value == 0)
        #expect(engine.counters.errors.value == 0)
    }

    @Test("IPv6: batches carry [::1] source addresses and send back to them")
    func echoesOverIPv6() throws {
        let engine = try Engine.start(.testEcho(.mmsg, ipv6: true))
        defer { engine.stop() }
        let clients = try (0..<3).map { _ in try TestClient(ipv6: true) }
        for (index, client) in clients.enumerated() {
            try client.send([UInt8(index), 6], to: engine.localAddress)
        }
        for (index, client) in clients.enumerated() {
            #expect(try client.expectDatagram() == [UInt8(index), 6])
        }
    }

    @Test("--batch applies to backends mmsg, uring and gso only, within 1–1024")
    func rejectsBadBatch() {
        let cases: [(EngineSpec, String)] = [
            (
                EngineSpec(backend: .epollEdge, bind: .init(loopbackPort: 0), batch: 8),
                "--batch does not apply to backend epoll-edge: it is for backends mmsg, uring and gso"
            ),
            (
                EngineSpec(backend: .mmsg, bind: .init(loopbackPort: 0), batch: 0),
                "--batch 0 is out of range: use 1–1024"
            ),
            (
                EngineSpec(backend: .mmsg, bind: .init(loopbackPort: 0), batch: 1025),
                "--batch 1025 is out of range: use 1–1024"
            ),
            (
                EngineSpec(kind: .mixed, bind: .init(loopbackPort: 0), batch: 8),
                "--batch does not apply to kind mixed: it is for echo and relay engines with backend mmsg, uring or gso"
            ),
        ]
        for (spec, reason) in cases {
            #expect(throws: EngineError.invalidSpec(reason)) { try Engine.start(spec) }
        }
    }

    @Test("The queue holds at least one batch by default; --queue still says exactly")
    func queueHoldsABatch() {
        #expect(EngineSpec(backend: .mmsg).queueCapacity == 32)
        #expect(EngineSpec(backend: .mmsg, batch: 4).queueCapacity == 8)
        #expect(EngineSpec(backend: .mmsg, batch: 100).queueCapacity == 100)
        #expect(EngineSpec(backend: .mmsg, queue: 8, batch: 100).queueCapacity == 8)
    }
}
