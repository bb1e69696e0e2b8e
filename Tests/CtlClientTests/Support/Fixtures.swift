@testable import UDPLabProtocol

/// Fixed reply values for the formatting and round-trip tests.
enum Fixtures {
    /// A running runtime engine.
    static let echo = EngineInfo(
        name: "echo",
        kind: "echo",
        backend: "reactor-edge",
        strategy: nil,
        bind: "127.0.0.1:2000",
        address: "127.0.0.1:2000",
        addresses: ["127.0.0.1:2000"],
        state: "running",
        failure: nil,
        origin: "runtime",
        transient: false,
        count: nil,
        queue: 16,
        buffer: nil,
        budget: 4,
        interval: nil,
        polls: nil,
        trace: true,
        startedUsec: 1_750_000_000_000_000
    )

    /// A transient engine that failed, declared in the config file.
    static let broken = EngineInfo(
        name: "edge-1",
        kind: "echo",
        backend: "epoll-edge",
        strategy: nil,
        bind: "[::1]:0",
        address: "[::1]:40000",
        addresses: ["[::1]:40000"],
        state: "failed",
        failure: "epoll_wait: Bad address",
        origin: "config",
        transient: true,
        count: nil,
        queue: nil,
        buffer: nil,
        budget: nil,
        interval: nil,
        polls: nil,
        trace: false,
        startedUsec: 1_750_000_000_000_000
    )

    /// A multisocket engine on ten consecutive ports, on the default strategy.
    static let multi = EngineInfo(
        name: "ms",
        kind: "multisocket",
        backend: "reactor-edge",
        strategy: "unordered",
        bind: "127.0.0.1:2010",
        address: "127.0.0.1:2010",
        addresses: (2010...2019).map { "127.0.0.1:\($0)" },
        state: "running",
        failure: nil,
        origin: "runtime",
        transient: false,
        count: nil,
        queue: nil,
        buffer: nil,
        budget: nil,
        interval: nil,
        polls: nil,
        trace: false,
        startedUsec: 1_750_000_000_000_000
    )

    /// A notify engine that completed: no sockets.
    static let notify = EngineInfo(
        name: "nt",
        kind: "notify",
        backend: "reactor-edge",
        strategy: nil,
        bind: "127.0.0.1:2000",
        address: "127.0.0.1:2000",
        addresses: [],
        state: "completed",
        failure: nil,
        origin: "runtime",
        transient: true,
        count: nil,
        queue: nil,
        buffer: nil,
        budget: nil,
        interval: 0.1,
        polls: 10,
        trace: false,
        startedUsec: 1_750_000_000_000_000
    )

    /// Counters of an engine that echoed 1000 datagrams.
    static let busyStats = EngineStats(
        name: "echo",
        kind: "echo",
        backend: "reactor-edge",
        strategy: nil,
        state: "running",
        address: "127.0.0.1:2000",
        startedUsec: 1_750_000_000_000_000,
        counters: counters(rx: 1000, wakeups: 1003, syscalls: 3001),
        residenceNs: ResidenceSummary(count: 1000, p50: 12_345, p99: 40_960, p999: 80_000, max: 123_456),
        sockets: []
    )

    /// Counters of an engine that has received nothing yet.
    static let idleStats = EngineStats(
        name: "idle",
        kind: "echo",
        backend: "select",
        strategy: nil,
        state: "running",
        address: "127.0.0.1:2001",
        startedUsec: 1_750_000_000_000_000,
        counters: counters(rx: 0, wakeups: 0, syscalls: 5),
        residenceNs: ResidenceSummary(count: 0, p50: 0, p99: 0, p999: 0, max: 0),
        sockets: []
    )

    /// Counters of a three-socket `join` engine that received 30 datagrams: every wakeup polled
    /// all three futures.
    static let joinStats = EngineStats(
        name: "ms",
        kind: "multisocket",
        backend: "reactor-edge",
        strategy: "join",
        state: "running",
        address: "127.0.0.1:2010",
        startedUsec: 1_750_000_000_000_000,
        counters: counters(rx: 30, wakeups: 30, syscalls: 95, echoed: false, taskPolls: 30, futurePolls: 90),
        residenceNs: ResidenceSummary(count: 0, p50: 0, p99: 0, p999: 0, max: 0),
        sockets: [
            SocketStats(address: "127.0.0.1:2010", rxDatagrams: 12),
            SocketStats(address: "127.0.0.1:2011", rxDatagrams: 10),
            SocketStats(address: "127.0.0.1:2012", rxDatagrams: 8),
        ]
    )

    /// Counters of an empty engine: nothing registered, nothing happened.
    static let emptyStats = EngineStats(
        name: "empty",
        kind: "empty",
        backend: "reactor-edge",
        strategy: nil,
        state: "running",
        address: "127.0.0.1:2000",
        startedUsec: 1_750_000_000_000_000,
        counters: counters(rx: 0, wakeups: 0, syscalls: 3),
        residenceNs: ResidenceSummary(count: 0, p50: 0, p99: 0, p999: 0, max: 0),
        sockets: []
    )

    /// A snapshot with `rx` datagrams of 48 bytes received and, if `echoed`, sent back.
    static func counters(
        rx: UInt64,
        wakeups: UInt64,
        syscalls: UInt64,
        echoed: Bool = true,
        taskPolls: UInt64 = 0,
        futurePolls: UInt64 = 0
    ) -> CounterSnapshot {
        let tx = echoed ? rx : 0
        return CounterSnapshot(
            rxDatagrams: rx,
            rxBytes: rx * 48,
            txDatagrams: tx,
            txBytes: tx * 48,
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
            queueHighWater: tx == 0 ? 0 : 3,
            taskPolls: taskPolls,
            futurePolls: futurePolls,
            timerEvents: 0
        )
    }
}
