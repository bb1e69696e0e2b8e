import UDPLabEngineKit
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol

/// One row of the supervisor's table: what was asked for, and the engine running it (if any).
struct SupervisedEngine: Sendable {
    /// Where an engine comes from, which decides who may change it.
    enum Origin: String, Sendable {
        /// Declared in the config file: reload starts, restarts and stops it.
        case config
        /// Started through the control socket: saved unless transient, untouched by reload.
        case runtime
    }

    var definition: EngineDefinition
    let origin: Origin
    let isTransient: Bool
    /// `nil` when the engine could not be started (see ``startFailure``).
    var engine: Engine?
    /// Why the engine could not be started (e.g. a restored engine's address is now taken).
    var startFailure: String?

    /// Whether the state file keeps it.
    var isPersistent: Bool { origin == .runtime && !isTransient }

    /// The sockets it holds (or would hold, had it started), for the daemon-wide limit.
    var socketCount: Int { definition.spec.socketCount }

    /// The multisocket strategy in force, for `List` and `Stats`; `nil` for other kinds.
    private var strategy: String? {
        definition.spec.kind == .multisocket ? definition.spec.effectiveStrategy.rawValue : nil
    }

    /// What `List` and `Start` report.
    var info: EngineInfo {
        let spec = definition.spec
        let state = engine?.state.rawValue ?? EngineState.failed.rawValue
        return EngineInfo(
            name: definition.name.rawValue,
            kind: spec.kind.rawValue,
            backend: spec.backend.rawValue,
            strategy: strategy,
            bind: spec.bind.description,
            address: engine?.localAddress.description ?? spec.bind.description,
            addresses: engine?.sockets.addresses.map(\.description) ?? [],
            state: state,
            failure: engine?.failure ?? startFailure,
            origin: origin.rawValue,
            transient: isTransient,
            count: spec.count,
            queue: spec.queue,
            buffer: spec.buffer,
            budget: spec.budget,
            batch: spec.batch,
            reply: spec.reply?.rawValue,
            interval: spec.interval,
            polls: spec.polls,
            trace: spec.trace,
            dualStack: spec.dualStack,
            threads: spec.threads,
            steer: spec.steer?.rawValue,
            denySourcePorts: spec.denySourcePorts?.description,
            rateLimit: spec.rateLimit?.description,
            rateLimitPrefix: spec.rateLimitPrefix?.description,
            rateLimitTotal: spec.rateLimitTotal,
            reflectTOS: spec.reflectTOS,
            consumerBind: spec.kind == .relay ? spec.effectiveConsumerBind?.description : nil,
            maxConsumers: spec.maxConsumers,
            consumerTimeout: spec.consumerTimeout,
            startedUsec: engine?.startedMicroseconds ?? 0
        )
    }

    /// What `Stats` reports.
    var stats: EngineStats {
        let spec = definition.spec
        return EngineStats(
            name: definition.name.rawValue,
            kind: spec.kind.rawValue,
            backend: spec.backend.rawValue,
            strategy: strategy,
            state: engine?.state.rawValue ?? EngineState.failed.rawValue,
            address: engine?.localAddress.description ?? spec.bind.description,
            startedUsec: engine?.startedMicroseconds ?? 0,
            counters: engine?.counterSnapshot() ?? EngineCounters().snapshot(),
            residenceNs: engine?.residenceSummary() ?? .empty,
            sockets: socketStats,
            consumers: engine?.relayConsumers.map { consumers in
                consumers.current.map { consumer in
                    ConsumerStats(
                        address: consumer.address.description,
                        relayed: consumer.relayed.value,
                        dropped: consumer.dropped.value,
                        queueHighWater: consumer.queueHighWater.value
                    )
                }
            }
        )
    }

    /// What the metrics read: ``stats`` and the residence times in Prometheus' buckets.
    var metrics: EngineMetrics {
        EngineMetrics(stats: stats, residence: engine?.residenceBuckets() ?? .empty)
    }

    /// Datagrams received per socket, when the engine has more than one socket: a multisocket
    /// engine's sockets, or an echo engine's `--threads` (one socket each, one address).
    private var socketStats: [SocketStats] {
        guard let engine, engine.sockets.addresses.count > 1 else { return [] }
        if engine.spec.laneCount > 1 {
            return zip(engine.sockets.addresses, engine.laneShares).enumerated().map { index, socket in
                SocketStats(address: socket.0.description, rxDatagrams: socket.1, thread: index)
            }
        }
        return zip(engine.sockets.addresses, engine.sockets.receiveCounts).map { address, count in
            SocketStats(address: address.description, rxDatagrams: count)
        }
    }
}
