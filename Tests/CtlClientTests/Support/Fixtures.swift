@testable import UDPLabCore

/// Fixed reply values for the formatting and round-trip tests.
enum Fixtures {
    /// A running runtime engine.
    static let echo = EngineInfo(
        name: "echo",
        kind: "echo",
        backend: "reactor-edge",
        bind: "127.0.0.1:2000",
        address: "127.0.0.1:2000",
        state: "running",
        failure: nil,
        origin: "runtime",
        transient: false,
        queue: 16,
        buffer: nil,
        budget: 4,
        trace: true,
        startedUsec: 1_750_000_000_000_000
    )

    /// A transient engine that failed, declared in the config file.
    static let broken = EngineInfo(
        name: "edge-1",
        kind: "echo",
        backend: "epoll-edge",
        bind: "[::1]:0",
        address: "[::1]:40000",
        state: "failed",
        failure: "epoll_wait: Bad address",
        origin: "config",
        transient: true,
        queue: nil,
        buffer: nil,
        budget: nil,
        trace: false,
        startedUsec: 1_750_000_000_000_000
    )

    /// Counters of an engine that echoed 1000 datagrams.
    static let busyStats = EngineStats(
        name: "echo",
        kind: "echo",
        backend: "reactor-edge",
        state: "running",
        address: "127.0.0.1:2000",
        startedUsec: 1_750_000_000_000_000,
        counters: counters(rx: 1000, wakeups: 1003, syscalls: 3001),
        residenceNs: ResidenceSummary(count: 1000, p50: 12_345, p99: 40_960, p999: 80_000, max: 123_456)
    )

    /// Counters of an engine that has received nothing yet.
    static let idleStats = EngineStats(
        name: "idle",
        kind: "echo",
        backend: "select",
        state: "running",
        address: "127.0.0.1:2001",
        startedUsec: 1_750_000_000_000_000,
        counters: counters(rx: 0, wakeups: 0, syscalls: 5),
        residenceNs: ResidenceSummary(count: 0, p50: 0, p99: 0, p999: 0, max: 0)
    )

    /// A snapshot with `rx` datagrams of 48 bytes received and echoed.
    static func counters(rx: UInt64, wakeups: UInt64, syscalls: UInt64) -> CounterSnapshot {
        CounterSnapshot(
            rxDatagrams: rx,
            rxBytes: rx * 48,
            txDatagrams: rx,
            txBytes: rx * 48,
            dropped: rx / 100,
            truncated: 0,
            recvWouldBlock: 0,
            sendWouldBlock: 0,
            errors: 0,
            wakeups: wakeups,
            emptyWakeups: 0,
            events: wakeups,
            interestChanges: 0,
            syscalls: syscalls,
            wakerWrites: 0,
            queueHighWater: rx == 0 ? 0 : 3
        )
    }
}
