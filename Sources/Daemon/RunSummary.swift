import UDPLabEngineKit
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol

/// The statistics `udplabd run` prints when it ends.
///
/// Lines that would say nothing are left out: wakeups and syscalls only where the backend can see
/// them (not on nio, nio-async), polls only when the engine polled futures, timer
/// events only for a mixed engine, GRO/GSO counts only on backend gso, per-socket receive counts only for an engine with several sockets, consumers only for a relay.
struct RunSummary {
    let engine: Engine
    let signal: ProcessSignal?

    var text: String {
        let counters = engine.counterSnapshot()
        let residence = engine.residenceSummary()
        let seconds = Double(MonotonicClock.realtimeMicroseconds() - engine.startedMicroseconds) / 1_000_000
        func perDatagram(_ value: UInt64) -> String {
            counters.perDatagram(value).map { PrintfNumber.fixed($0, digits: 2) } ?? "-"
        }
        func microseconds(_ nanoseconds: UInt64) -> String { PrintfNumber.fixed(Double(nanoseconds) / 1000, digits: 1) }

        let spec = engine.spec
        // A threaded engine's sockets share one address; a relay's second is on its consumers line.
        let addresses =
            spec.laneCount > 1 || spec.kind == .relay
            ? Array(engine.sockets.addresses.prefix(1)) : engine.sockets.addresses
        var lines = [
            "\(signal.map { "\($0): " } ?? "")engine \(spec.kind.rawValue) (\(Self.model(of: spec)))\(Self.place(addresses)) \(engine.state.rawValue) after \(PrintfNumber.fixed(seconds, digits: 1)) s",
            "  rx \(counters.rxDatagrams) datagrams, \(counters.rxBytes) bytes; tx \(counters.txDatagrams) datagrams, \(counters.txBytes) bytes",
            "  dropped \(counters.dropped), policy drops \(counters.policyDrops) (rate limited \(counters.rateLimited)), kernel drops \(counters.kernelDrops), truncated \(counters.truncated), errors \(counters.errors), queue high water \(counters.queueHighWater)",
        ]
        if counters.absent.isEmpty {
            lines += [
                "  wakeups \(counters.wakeups) (\(perDatagram(counters.wakeups))/datagram, \(counters.emptyWakeups) empty), events \(counters.events)"
                    + (counters.wakerWrites > 0 ? ", waker writes \(counters.wakerWrites)" : ""),
                "  syscalls \(counters.syscalls) (\(perDatagram(counters.syscalls))/datagram), interest changes \(counters.interestChanges), would-block recv \(counters.recvWouldBlock) send \(counters.sendWouldBlock)",
            ]
        } else {
            lines.append("  wakeups, syscalls, events: not visible (the loop is SwiftNIO's)")
        }
        if counters.taskPolls > 0 || counters.futurePolls > 0 {
            lines.append(
                "  task polls \(counters.taskPolls) (\(perDatagram(counters.taskPolls))/datagram), future polls \(counters.futurePolls) (\(perDatagram(counters.futurePolls))/datagram)"
            )
        }
        if spec.kind == .mixed {
            lines.append("  timer events \(counters.timerEvents)")
        }
        if spec.kind == .echo && spec.backend == .gso {
            lines.append(
                "  gro buffers \(counters.groBuffers) (\(perDatagram(counters.groBuffers))/datagram), gso sends \(counters.gsoSends), gso fallbacks \(counters.gsoFallbacks)"
                    + (counters.gsoFallbacks > 0 ? " (the kernel refused GSO: sending datagram by datagram)" : "")
            )
        }
        if counters.pktinfoReplies > 0 || counters.tosReflected > 0 {
            lines.append(
                "  pktinfo replies \(counters.pktinfoReplies) (sent from the address asked), tos reflected \(counters.tosReflected)"
            )
        }
        if spec.effectiveReply != .echo {
            lines.append("  unanswered \(counters.unanswered) (--reply \(spec.effectiveReply.rawValue))")
        }
        if spec.laneCount > 1 {
            for (index, count) in engine.laneShares.enumerated() {
                lines.append("  rx on thread \(index): \(count) datagrams")
            }
        } else if engine.sockets.addresses.count > 1 {
            for (address, count) in zip(engine.sockets.addresses, engine.sockets.receiveCounts) {
                lines.append("  rx on \(address): \(count) datagrams")
            }
        }
        if spec.kind == .relay {
            let consumers = engine.relayConsumers?.current ?? []
            lines.append(
                "  consumers on \(engine.sockets.addresses.last.map(\.description) ?? "-"): \(consumers.count), ignored \(counters.consumerIgnored), refused \(counters.consumersRefused) (--max-consumers \(spec.effectiveMaxConsumers)), expired \(counters.consumersExpired)"
            )
            for consumer in consumers {
                lines.append(
                    "  consumer \(consumer.address): relayed \(consumer.relayed.value), dropped \(consumer.dropped.value), queue high water \(consumer.queueHighWater.value)"
                )
            }
        }
        if residence.count > 0 {
            lines.append(
                "  residence µs: p50 \(microseconds(residence.p50)) p99 \(microseconds(residence.p99)) p99.9 \(microseconds(residence.p999)) max \(microseconds(residence.max))"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// What the engine runs on, for the first line: `backend select`, `strategy join, 10 sockets`,
    /// `timer every 3s`, `notified every 1s, completes after 10 polls`, `nothing registered`.
    static func model(of spec: EngineSpec) -> String {
        switch spec.kind {
        case .echo:
            spec.laneCount > 1
                ? "backend \(spec.backend.rawValue), \(spec.laneCount) threads, steer \(spec.effectiveSteer.rawValue)"
                : "backend \(spec.backend.rawValue)"
        case .multisocket: "strategy \(spec.effectiveStrategy.rawValue), \(spec.socketCount) sockets"
        case .mixed: "timer every \(text(of: spec.effectiveInterval))"
        case .notify: "notified every \(text(of: spec.effectiveInterval)), completes after \(spec.effectivePolls) polls"
        case .empty: "nothing registered"
        case .relay: "backend \(spec.backend.rawValue)"
        }
    }

    /// ` on 127.0.0.1:2000`, ` on 127.0.0.1:2010 … 127.0.0.1:2019` for several sockets, or nothing
    /// for none.
    private static func place(_ addresses: [SocketAddress]) -> String {
        guard let first = addresses.first, let last = addresses.last else { return "" }
        return addresses.count == 1 ? " on \(first)" : " on \(first) … \(last)"
    }

    /// `200ms`, `3s` or `1.5s`.
    private static func text(of interval: Duration) -> String {
        let milliseconds = interval.milliseconds
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(Double(milliseconds) / 1000)s"
    }
}
