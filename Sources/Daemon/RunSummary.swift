import UDPLabCore

/// The statistics `udplabd run` prints when it ends.
struct RunSummary {
    let engine: Engine
    let signal: ProcessSignal?

    var text: String {
        let counters = engine.counters.snapshot()
        let residence = engine.residence.summary()
        let seconds = Double(MonotonicClock.realtimeMicroseconds() - engine.startedMicroseconds) / 1_000_000
        func perDatagram(_ value: UInt64) -> String {
            counters.perDatagram(value).map { String(format: "%.2f", $0) } ?? "-"
        }
        func microseconds(_ nanoseconds: UInt64) -> String { String(format: "%.1f", Double(nanoseconds) / 1000) }

        var lines = [
            "\(signal.map { "\($0): " } ?? "")engine \(engine.spec.kind.rawValue) (backend \(engine.spec.backend.rawValue)) on \(engine.localAddress) \(engine.state.rawValue) after \(String(format: "%.1f", seconds)) s",
            "  rx \(counters.rxDatagrams) datagrams, \(counters.rxBytes) bytes; tx \(counters.txDatagrams) datagrams, \(counters.txBytes) bytes",
            "  dropped \(counters.dropped), truncated \(counters.truncated), errors \(counters.errors), queue high water \(counters.queueHighWater)",
            "  wakeups \(counters.wakeups) (\(perDatagram(counters.wakeups))/datagram, \(counters.emptyWakeups) empty), events \(counters.events)",
            "  syscalls \(counters.syscalls) (\(perDatagram(counters.syscalls))/datagram), interest changes \(counters.interestChanges), would-block recv \(counters.recvWouldBlock) send \(counters.sendWouldBlock)",
        ]
        if residence.count > 0 {
            lines.append(
                "  residence µs: p50 \(microseconds(residence.p50)) p99 \(microseconds(residence.p99)) p99.9 \(microseconds(residence.p999)) max \(microseconds(residence.max))"
            )
        }
        return lines.joined(separator: "\n")
    }
}
