import Foundation
import Synchronization
import Testing

@testable import UDPLabEngineKit
@testable import UDPLabEngines
@testable import UDPLabProtocol

/// Every counter means the same on every backend, or the backend reports it absent: `--buffer`
/// and `truncated`, the kernel's drops, and the loop counters SwiftNIO's backends cannot see.
@Suite("Counter parity across backends")
struct CounterParityTests {
    @Test(
        "1,501- and 9,000-byte datagrams into --buffer 1500 come back as 1,500 bytes, counted truncated",
        arguments: Backend.allCases
    )
    func truncatesToTheBuffer(backend: Backend) throws {
        let engine = try Engine.start(.testEcho(backend, buffer: 1500))
        defer { engine.stop() }
        let client = try TestClient()
        for size in [1501, 9000] {
            let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0) }
            try client.send(payload, to: engine.localAddress)
            #expect(try client.expectDatagram() == Array(payload.prefix(1500)), "\(size) bytes")
        }
        try client.send(Array(repeating: 7, count: 1500), to: engine.localAddress)
        #expect(try client.expectDatagram().count == 1500, "a datagram that fits is whole")

        try waitUntil("three echoes are counted") { engine.counters.txDatagrams.value == 3 }
        let counters = engine.counterSnapshot()
        #expect(counters.truncated == 2)
        #expect(counters.rxDatagrams == 3)
        #expect(counters.rxBytes == 4500, "received bytes are what fit the buffer")
        #expect(counters.txBytes == 4500)
    }

    @Test(
        "Datagrams the kernel drops while the loop is held up are counted in kernel_drops",
        arguments: Backend.allCases
    )
    func countsKernelDrops(backend: Backend) throws {
        let release = DispatchSemaphore(value: 0)
        let engine = try Engine.start(.testEcho(backend), beforeLoop: { release.wait() })
        defer {
            // Also when an expectation below fails: the loop must start for the stop to end it.
            release.signal()
            engine.stop()
        }
        let client = try TestClient()
        // The loop has not looked yet: the socket's receive buffer (about 200 KiB by default,
        // ~2.3 KiB of it per 1,000-byte datagram) overflows long before 1,000 have arrived.
        let sent = 1000
        let payload = [UInt8](repeating: 0x5A, count: 1000)
        for _ in 0..<sent {
            try client.send(payload, to: engine.localAddress)
        }
        try waitUntil("the kernel reports drops") { engine.counterSnapshot().kernelDrops > 0 }
        release.signal()

        // Every datagram is accounted for: read by the engine, or dropped by the kernel.
        try waitUntil("every datagram is received or dropped", timeout: .seconds(10)) {
            let counters = engine.counterSnapshot()
            return counters.rxDatagrams + counters.kernelDrops == UInt64(sent)
        }
        let counters = engine.counterSnapshot()
        #expect(counters.kernelDrops > 0 && counters.kernelDrops < UInt64(sent))
        #expect(counters.dropped == 0 || backend.unobservedCounters.isEmpty, "the engine's own drops are apart")

        engine.stop()
        #expect(engine.counterSnapshot().kernelDrops == counters.kernelDrops, "the last reading is kept at stop")
    }

    @Test(
        "nio and nio-async report the loop counters they cannot see as absent, on the wire too",
        arguments: Backend.allCases
    )
    func reportsUnseenCountersAbsent(backend: Backend) throws {
        let engine = try Engine.start(.testEcho(backend))
        defer { engine.stop() }
        let client = try TestClient()
        try client.send([1, 2, 3], to: engine.localAddress)
        _ = try client.expectDatagram()
        try waitUntil("the echo is counted") { engine.counters.txDatagrams.value == 1 }

        let snapshot = engine.counterSnapshot()
        let isNIO = backend == .nio || backend == .nioAsync
        #expect(snapshot.absent == (isNIO ? Set(LoopCounter.allCases) : []))
        #expect((snapshot.value(.wakeups) == nil) == isNIO)
        #expect((snapshot.perDatagram(.syscalls) == nil) == isNIO)

        let wire = try JSONSerialization.jsonObject(with: JSONEncoder().encode(snapshot)) as? [String: Any] ?? [:]
        for counter in LoopCounter.allCases {
            #expect((wire[counter.rawValue] == nil) == isNIO, "\(counter.rawValue)")
        }
        for key in ["rx_datagrams", "tx_datagrams", "truncated", "kernel_drops", "errors", "queue_high_water"] {
            #expect(wire[key] != nil, "\(key) is seen on every backend")
        }
        let decoded = try JSONDecoder().decode(CounterSnapshot.self, from: JSONEncoder().encode(snapshot))
        #expect(decoded == snapshot, "absent counters come back absent")
    }
}
