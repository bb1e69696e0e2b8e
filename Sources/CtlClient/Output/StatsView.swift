import FoundationEssentials
import UDPLabOS
import UDPLabProtocol

/// The human form of `stats`: one column per engine, one row per figure, so engines on
/// different backends compare side by side.
///
/// Per-datagram figures divide by received datagrams and show `-` before the first one;
/// residence times are in microseconds and show `-` before the first echo. A counter the
/// engine's backend cannot see (the daemon leaves it out: SwiftNIO's loop counters on `nio` and
/// `nio-async`) shows ``absent``, in its ratios too, never 0. Engines with several sockets
/// (multisocket) add one `rx on ADDRESS` row per socket, `-` for the other engines; a table with
/// a `gso` engine adds its GRO/GSO counts, `-` for the other engines; a table with a relay adds
/// its consumer counters and one row per consumer (relayed / dropped / queue high water).
enum StatsView {
    /// Engines per table; more engines continue in another table below.
    static let enginesPerTable = 6
    /// What a counter the backend cannot see shows.
    static let absent = "n/a"

    /// The tables, separated by a blank line, or `no engines`.
    static func text(_ engines: [EngineStats]) -> String {
        guard !engines.isEmpty else { return "no engines" }
        return stride(from: 0, to: engines.count, by: enginesPerTable)
            .map { table(Array(engines[$0..<min($0 + enginesPerTable, engines.count)])) }
            .joined(separator: "\n\n")
    }

    /// One table for `engines`.
    private static func table(_ engines: [EngineStats]) -> String {
        var table = Table(columns: [Table.Column("")] + engines.map { Table.Column($0.name, .right) })
        for (label, value) in rows {
            table.rows.append([label] + engines.map(value))
        }
        if engines.contains(where: sentPacketInfo) {
            for (label, value) in packetInfoRows {
                table.rows.append([label] + engines.map { value($0.counters) })
            }
        }
        if engines.contains(where: isGSO) {
            for (label, value) in offloadRows {
                table.rows.append([label] + engines.map { isGSO($0) ? value($0.counters) : "-" })
            }
        }
        if engines.contains(where: { $0.consumers != nil }) {
            for (label, value) in relayRows {
                table.rows.append([label] + engines.map { $0.consumers == nil ? "-" : value($0.counters) })
            }
            table.rows.append(["consumers"] + engines.map { $0.consumers.map { String($0.count) } ?? "-" })
            for address in consumerAddresses(of: engines) {
                let values = engines.map { engine in
                    engine.consumers?.first { $0.address == address }.map {
                        "\($0.relayed) / \($0.dropped) / \($0.queueHighWater)"
                    } ?? "-"
                }
                table.rows.append(["consumer \(address) relayed/dropped/high water"] + values)
            }
        }
        for label in socketLabels(of: engines) {
            let counts = engines.map { engine in
                engine.sockets.first { Self.label(of: $0) == label }.map { String($0.rxDatagrams) } ?? "-"
            }
            table.rows.append([label] + counts)
        }
        return table.render()
    }

    /// `rx on 127.0.0.1:2010` for a multisocket engine's socket, `rx on thread 1` for a
    /// `--threads` lane's (their sockets share one address).
    private static func label(of socket: SocketStats) -> String {
        socket.thread.map { "rx on thread \($0)" } ?? "rx on \(socket.address)"
    }

    /// Every per-socket row label of `engines`, each once, in engine and socket order.
    private static func socketLabels(of engines: [EngineStats]) -> [String] {
        var seen: Set<String> = []
        return engines.flatMap(\.sockets).map(label(of:)).filter { seen.insert($0).inserted }
    }

    /// The rows: a label and how to show an engine's value.
    private static let rows: [(String, @Sendable (EngineStats) -> String)] = [
        ("kind", \.kind),
        ("backend", { EngineLabels.model(kind: $0.kind, backend: $0.backend, strategy: $0.strategy) }),
        ("state", \.state),
        (
            "address",
            { engine in
                EngineLabels.address(
                    kind: engine.kind,
                    addresses: engine.kind == EngineKind.relay.rawValue && engine.sockets.count == 2
                        ? engine.sockets.map(\.address) : [engine.address],
                    socketCount: 1
                )
            }
        ),
        ("rx datagrams", { String($0.counters.rxDatagrams) }),
        ("rx bytes", { String($0.counters.rxBytes) }),
        ("tx datagrams", { String($0.counters.txDatagrams) }),
        ("tx bytes", { String($0.counters.txBytes) }),
        ("dropped", { String($0.counters.dropped) }),
        ("unanswered", { String($0.counters.unanswered) }),
        ("policy drops", { String($0.counters.policyDrops) }),
        ("rate limited", { String($0.counters.rateLimited) }),
        ("kernel drops", { String($0.counters.kernelDrops) }),
        ("truncated", { String($0.counters.truncated) }),
        ("errors", { String($0.counters.errors) }),
        ("wakeups/datagram", { ratio($0.counters, .wakeups) }),
        ("syscalls/datagram", { ratio($0.counters, .syscalls) }),
        ("task polls/datagram", { ratio($0.counters, .taskPolls) }),
        ("future polls/datagram", { ratio($0.counters, .futurePolls) }),
        ("events", { count($0.counters, .events) }),
        ("timer events", { String($0.counters.timerEvents) }),
        ("waker writes", { count($0.counters, .wakerWrites) }),
        ("queue high water", { String($0.counters.queueHighWater) }),
        ("residence p50 µs", { microseconds($0.residenceNs.p50, count: $0.residenceNs.count) }),
        ("residence p99 µs", { microseconds($0.residenceNs.p99, count: $0.residenceNs.count) }),
    ]

    /// The GRO/GSO counters, shown only in a table with a `gso` engine (`-` for the others).
    private static let offloadRows: [(String, @Sendable (CounterSnapshot) -> String)] = [
        ("gro buffers", { String($0.groBuffers) }),
        ("gso sends", { String($0.gsoSends) }),
        ("gso fallbacks", { String($0.gsoFallbacks) }),
    ]

    /// The rows of replies sent with packet info, shown only in a table where an engine sent
    /// some (a wildcard bind, `--reflect-tos`).
    private static let packetInfoRows: [(String, @Sendable (CounterSnapshot) -> String)] = [
        ("pktinfo replies", { String($0.pktinfoReplies) }),
        ("tos reflected", { String($0.tosReflected) }),
    ]

    /// A relay's engine-wide consumer counters, shown only in a table with a relay engine.
    private static let relayRows: [(String, @Sendable (CounterSnapshot) -> String)] = [
        ("consumer ignored", { String($0.consumerIgnored) }),
        ("consumers refused", { String($0.consumersRefused) }),
        ("consumers expired", { String($0.consumersExpired) }),
    ]

    /// Every relay consumer's address in `engines`, each once, in engine and registration order.
    private static func consumerAddresses(of engines: [EngineStats]) -> [String] {
        var seen: Set<String> = []
        return engines.flatMap { $0.consumers ?? [] }.map(\.address).filter { seen.insert($0).inserted }
    }

    /// Whether `engine` sent replies with packet info.
    private static func sentPacketInfo(_ engine: EngineStats) -> Bool {
        engine.counters.pktinfoReplies > 0 || engine.counters.tosReflected > 0
    }

    /// Whether `engine` runs on backend gso.
    private static func isGSO(_ engine: EngineStats) -> Bool {
        engine.kind == EngineKind.echo.rawValue && engine.backend == Backend.gso.rawValue
    }

    /// A loop counter per datagram with two decimals, `-` before the first datagram, or
    /// ``absent`` when the backend cannot see it.
    private static func ratio(_ counters: CounterSnapshot, _ counter: LoopCounter) -> String {
        guard counters.value(counter) != nil else { return absent }
        return counters.perDatagram(counter).map { PrintfNumber.fixed($0, digits: 2) } ?? "-"
    }

    /// A loop counter, or ``absent`` when the backend cannot see it.
    private static func count(_ counters: CounterSnapshot, _ counter: LoopCounter) -> String {
        counters.value(counter).map(String.init) ?? absent
    }

    /// Nanoseconds as microseconds with one decimal, or `-` when nothing was measured.
    private static func microseconds(_ nanoseconds: UInt64, count: UInt64) -> String {
        count == 0 ? "-" : PrintfNumber.fixed(Double(nanoseconds) / 1000, digits: 1)
    }
}
