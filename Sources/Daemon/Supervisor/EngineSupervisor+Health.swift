import Logging
import UDPLabEngineKit
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol
import UDPLabSystemd

extension EngineSupervisor {
    /// The running engines whose loops made no progress since the previous check (and are not
    /// waiting for readiness): what stops the watchdog pings. Each stall is logged once.
    func stalledEngines() -> [EngineName] {
        var stalled: [EngineName] = []
        for (name, engine) in runningEngines() {
            let previous = progressMarkers[name]
            let marker = engine.progressMarker
            progressMarkers[name] = marker
            if let previous, !engine.hasProgressed(since: previous) {
                stalled.append(name)
            }
        }
        progressMarkers = progressMarkers.filter { name, _ in engineExists(name) }
        let newlyStalled = Set(stalled).subtracting(reportedStalls)
        for name in newlyStalled.sorted() {
            logger.log(.engineStalled, level: .critical, metadata: ["engine": "\(name)"])
        }
        reportedStalls = Set(stalled)
        return stalled
    }

    /// Warns, at each start, of an echo engine bound where other hosts reach it with no rate
    /// limit (``EngineSpec/isExposedWithoutRateLimit``): on a real network a spoofed source makes
    /// such an engine a reflector at full speed. The source-port guard still applies.
    /// Also warns of a relay whose consumer socket other hosts reach
    /// (``EngineSpec/isRelayOpenToSpoofing``): a forged registration aims it at a victim.
    func warnIfUnlimited(_ row: SupervisedEngine) {
        let spec = row.definition.spec
        if spec.isRelayOpenToSpoofing {
            logger.log(
                .relayExposed,
                level: .warning,
                metadata: metadata(row).merging([
                    "consumer_bind": "\(spec.effectiveConsumerBind?.description ?? "")",
                    "max_consumers": "\(spec.effectiveMaxConsumers)",
                ]) { $1 }
            )
        }
        guard spec.isExposedWithoutRateLimit else { return }
        logger.log(
            .engineUnlimited,
            level: .warning,
            metadata: metadata(row).merging(["deny_source_ports": "\(row.definition.spec.effectiveDenySourcePorts)"]) {
                $1
            }
        )
    }

    /// Logs, once per engine, that the kernel refused a gso engine's UDP_SEGMENT sends (EIO or
    /// EINVAL: a device without checksum offload, IPsec on the route, `SO_NO_CHECK`), so that it
    /// now echoes datagram by datagram, as quinn-udp and msquic say when they fall back. The
    /// counter `gso_fallbacks` keeps counting; the journal says it once.
    func logFirstGSOFallbacks() {
        let running = runningEngines()
        for (name, engine) in running where engine.spec.backend == .gso {
            let fallbacks = engine.counterSnapshot().gsoFallbacks
            guard fallbacks > 0, reportedFallbacks.insert(ObjectIdentifier(engine)).inserted else { continue }
            logger.log(
                .gsoRefused,
                level: .warning,
                metadata: [
                    "engine": "\(name)", "gso_fallbacks": "\(fallbacks)",
                    "reason":
                        "the kernel refused UDP_SEGMENT (EIO or EINVAL); GSO is off for this engine, which echoes datagram by datagram",
                ]
            )
        }
        let live = Set(running.map { ObjectIdentifier($0.1) })
        reportedFallbacks.formIntersection(live)
    }

    /// Stalls the named engine's loop for `duration` (the watchdog test hook).
    /// - Throws: ``ControlError/engineNotFound(name:)``.
    func stall(_ text: String, for duration: Duration) throws(ControlError) {
        guard let name = try? EngineName(text), let engine = runningEngines().first(where: { $0.0 == name })?.1 else {
            throw .engineNotFound(name: text)
        }
        engine.stall(for: duration)
    }

    /// A one-line summary for `STATUS=`: engines running, and total datagrams received per
    /// second since the previous summary.
    func statusLine() -> String {
        let now = MonotonicClock.nanoseconds()
        let received = runningEngines().reduce(UInt64(0)) { $0 + $1.1.counters.rxDatagrams.value }
        let (total, running) = counts()
        var line = "\(running) of \(total) engines running"
        if let (previousTime, previousCount) = lastStatusSample, now > previousTime, received >= previousCount {
            let rate = Double(received - previousCount) / (Double(now - previousTime) / 1e9)
            line += ", \(PrintfNumber.fixed(rate, digits: 0)) datagrams/s"
        }
        lastStatusSample = (now, received)
        return line
    }
}
