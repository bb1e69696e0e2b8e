import Logging
import UDPLabEngineKit
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol
import UDPLabSystemd

/// Owns the engine table: starts, stops, lists and restores engines, and keeps the state file.
///
/// One actor, so every change is serialised; an engine that fails only changes its own row.
actor EngineSupervisor {
    private var engines: [EngineName: SupervisedEngine] = [:]
    /// Start order, for stopping in reverse at shutdown.
    private var order: [EngineName] = []
    /// Saved engines not in the table, kept in the state file so nothing the user saved is lost:
    /// before ``restore(declared:)``, all of them (a Start answered meanwhile saves them too);
    /// after it, those a config engine's name or the limits kept out.
    private var unrestored: [EngineDefinition]
    private let store: EngineStore
    let logger: Logger
    /// Each engine's progress marker at the last watchdog check.
    var progressMarkers: [EngineName: [UInt64]] = [:]
    /// Engines already reported as stalled (logged once per stall).
    var reportedStalls: Set<EngineName> = []
    /// The running gso engines whose first GSO fallback has been logged (an engine that restarts
    /// under the same name is a new object, logged anew).
    var reportedFallbacks: Set<ObjectIdentifier> = []
    /// The time and total receive count of the previous status line.
    var lastStatusSample: (nanoseconds: UInt64, received: UInt64)?

    /// A supervisor for the engines `saved` in `store` (not started until ``restore(declared:)``).
    init(store: EngineStore, saved: [EngineDefinition], logger: Logger) {
        self.store = store
        self.unrestored = saved
        self.logger = logger
    }

    // MARK: - Start and stop

    /// Starts `definition` and, when it is a persistent runtime engine, saves the table.
    ///
    /// - Returns: the new engine's info.
    /// - Throws: ``ControlError``: `engineExists`, `limitReached`, `invalidSpec`,
    ///   `addressInUse`, `internalError` (the state file could not be written; the engine is
    ///   then stopped again so that nothing runs that would be lost).
    func start(
        _ definition: EngineDefinition,
        origin: SupervisedEngine.Origin,
        transient: Bool
    ) throws(ControlError) -> EngineInfo {
        guard engines[definition.name] == nil else { throw .engineExists(name: definition.name.rawValue) }
        try checkRoom(for: definition)
        var row = SupervisedEngine(definition: definition, origin: origin, isTransient: transient)
        row.engine = try launch(definition)
        engines[definition.name] = row
        order.append(definition.name)
        if row.isPersistent {
            do {
                try save()
            } catch {
                stopRow(definition.name, reason: "state file not written")
                throw .internalError(reason: "\(error); engine not started")
            }
        }
        logger.log(.engineStarted, level: .notice, metadata: metadata(row))
        warnIfUnlimited(row)
        return row.info
    }

    /// Stops the named engines, all or none: an unknown name fails the whole call.
    ///
    /// - Returns: the names stopped, in the order given.
    /// - Throws: ``ControlError/engineNotFound(name:)``.
    func stop(names: [String]) throws(ControlError) -> [String] {
        var found: [EngineName] = []
        for text in names {
            guard let name = try? EngineName(text), engines[name] != nil else { throw .engineNotFound(name: text) }
            if !found.contains(name) { found.append(name) }
        }
        let persistentChanged = found.contains { engines[$0]?.isPersistent == true }
        for name in found {
            stopRow(name, reason: "asked")
        }
        if persistentChanged {
            saveOrLog()
        }
        return found.map(\.rawValue)
    }

    /// Stops an engine and starts it again with the same definition, origin and persistence;
    /// its counters start from zero.
    ///
    /// - Throws: ``ControlError/engineNotFound(name:)``, or the start error (the engine is then
    ///   kept as a failed row, so nothing the user saved is lost).
    func restart(_ text: String) throws(ControlError) -> EngineInfo {
        guard let name = try? EngineName(text), var row = engines[name] else { throw .engineNotFound(name: text) }
        if let engine = row.engine {
            engine.stop()
            logger.log(.engineStopped, level: .notice, metadata: metadata(row).merging(counterMetadata(engine)) { $1 })
        }
        do {
            row.engine = try launch(row.definition)
            row.startFailure = nil
            engines[name] = row
            logger.log(.engineStarted, level: .notice, metadata: metadata(row))
            warnIfUnlimited(row)
            return row.info
        } catch {
            row.engine = nil
            row.startFailure = error.description
            engines[name] = row
            logger.log(.engineFailed, level: .error, metadata: metadata(row).merging(["reason": "\(error)"]) { $1 })
            throw error
        }
    }

    /// Stops every engine in reverse start order and saves the table: the graceful shutdown.
    ///
    /// Runtime engines stay in the state file: they come back at the next start.
    func shutdown() {
        extendTimeout(forEngines: engines.count)
        for name in order.reversed() {
            if let engine = engines[name]?.engine {
                engine.stop()
                logger.log(
                    .engineStopped,
                    level: .notice,
                    metadata: metadata(engines[name]!).merging(counterMetadata(engine)) { $1 }
                )
            }
        }
        saveOrLog()
        engines.removeAll()
        order.removeAll()
    }

    /// Stops every engine (`Stop` with `all`), removing runtime ones from the state file.
    func stopAll() -> [String] {
        let names = order.reversed().map(\.rawValue)
        return (try? stop(names: names)) ?? []
    }

    /// Tells systemd that starting or stopping `count` engines may outlast its timeout: above
    /// 16, `EXTEND_TIMEOUT_USEC=` of 100 ms per engine. Restore and shutdown send it from here
    /// alone, once each.
    private func extendTimeout(forEngines count: Int) {
        guard count > 16 else { return }
        Notify.extendTimeout(by: .milliseconds(100 * count))
    }

    /// Throws when one more engine like `definition` would pass the engine or engine-socket
    /// limit: the one check behind Start, reload and restore. Failed rows count, as they hold
    /// their name and come back with Restart.
    /// - Throws: ``ControlError/limitReached(limit:maximum:)``.
    private func checkRoom(for definition: EngineDefinition) throws(ControlError) {
        guard engines.count < ControlProtocol.maximumEngines else {
            throw .limitReached(limit: "engines", maximum: ControlProtocol.maximumEngines)
        }
        let sockets = engines.values.reduce(0) { $0 + $1.socketCount }
        guard sockets + definition.spec.socketCount <= ControlProtocol.maximumEngineSockets else {
            throw .limitReached(limit: "engine sockets", maximum: ControlProtocol.maximumEngineSockets)
        }
    }

    // MARK: - Restore

    /// Starts the config's engines, then the saved ones; one that cannot start is logged and
    /// kept as a failed row. One that does not fit the limits, or whose name another engine has,
    /// is logged (`engine not restored`) and, if saved, kept in the state file.
    func restore(declared: [EngineDefinition]) {
        let saved = unrestored
        unrestored = []
        extendTimeout(forEngines: declared.count + saved.count)
        for definition in declared {
            restoreOne(definition, origin: .config, event: .engineStarted)
        }
        for definition in saved {
            restoreOne(definition, origin: .runtime, event: .engineRestored)
        }
    }

    /// Starts one engine at start-up (or a saved one that reload freed), within the limits.
    private func restoreOne(_ definition: EngineDefinition, origin: SupervisedEngine.Origin, event: JournalEvent) {
        let reason: String
        if let holder = engines[definition.name] {
            reason = holder.origin == .config ? "a config engine has its name" : "an engine started since has its name"
        } else {
            do throws(ControlError) {
                try checkRoom(for: definition)
                startKeepingFailure(definition, origin: origin, event: event)
                return
            } catch {
                reason = error.description
            }
        }
        if origin == .runtime {
            unrestored.append(definition)
        }
        logger.log(
            .engineNotRestored,
            level: .error,
            metadata: [
                "engine": "\(definition.name)", "origin": "\(origin.rawValue)", "reason": "\(reason)",
                "kept_in": "\(origin == .runtime ? store.path : "the config file")",
            ]
        )
    }

    // MARK: - Queries

    /// Every engine, in start order.
    func list() -> [EngineInfo] {
        order.compactMap { engines[$0]?.info }
    }

    /// Statistics of the named engines (all when `names` is empty).
    /// - Throws: ``ControlError/engineNotFound(name:)``.
    func stats(names: [String]) throws(ControlError) -> [EngineStats] {
        if names.isEmpty {
            return order.compactMap { engines[$0]?.stats }
        }
        var result: [EngineStats] = []
        for text in names {
            guard let name = try? EngineName(text), let row = engines[name] else { throw .engineNotFound(name: text) }
            result.append(row.stats)
        }
        return result
    }

    /// Every engine's stats and residence buckets, in start order: what the metrics read.
    func engineMetrics() -> [EngineMetrics] {
        order.compactMap { engines[$0]?.metrics }
    }

    /// How many engines there are, and how many run.
    func counts() -> (engines: Int, running: Int) {
        (engines.count, engines.values.filter { $0.engine?.state == .running }.count)
    }

    /// The engines whose loops are running, by name.
    func runningEngines() -> [(EngineName, Engine)] {
        order.compactMap { name in
            guard let engine = engines[name]?.engine, engine.state == .running else { return nil }
            return (name, engine)
        }
    }

    /// `true` when the table has an engine named `name`.
    func engineExists(_ name: EngineName) -> Bool {
        engines[name] != nil
    }

    /// The config engines now in the table.
    func declaredDefinitions() -> [EngineName: SupervisedEngine] {
        engines.filter { $0.value.origin == .config }
    }

    /// Logs a statistics summary of every engine (every `stats_interval`).
    func logStatistics() {
        for name in order {
            guard let row = engines[name], let engine = row.engine else { continue }
            logger.log(.engineStats, level: .info, metadata: metadata(row).merging(counterMetadata(engine)) { $1 })
        }
    }

    // MARK: - Helpers shared with reload

    /// Starts an engine for `definition`, mapping its errors to the wire's.
    func launch(_ definition: EngineDefinition) throws(ControlError) -> Engine {
        let logger = self.logger
        let name = definition.name
        let limiter = TraceLimiter(logger: logger, engine: name.rawValue)
        do {
            return try Engine.start(
                definition.spec,
                trace: { line in limiter.trace(line) },
                onExit: { engine in
                    switch engine.state {
                    case .failed:
                        logger.log(
                            .engineFailed,
                            level: .error,
                            metadata: ["engine": "\(name)", "reason": "\(engine.failure ?? "")"]
                        )
                    case .completed:
                        // An engine that finished by itself (notify) gets its summary as a stop would.
                        let counters = engine.counterSnapshot()
                        logger.log(
                            .engineStopped,
                            level: .notice,
                            metadata: [
                                "engine": "\(name)", "state": "completed", "future_polls": "\(counters.futurePolls)",
                                "task_polls": "\(counters.taskPolls)",
                            ]
                        )
                    default:
                        break
                    }
                }
            )
        } catch .addressInUse(let address) {
            throw .addressInUse(
                address: address.description,
                engine: holder(of: address, for: definition.spec)?.rawValue
            )
        } catch {
            throw ControlError(error)
        }
    }

    /// The running engine whose sockets hold `address` (as an engine with `spec` would bind it),
    /// if one of ours does: AddressInUse then names it instead of blaming another process.
    private func holder(of address: SocketAddress, for spec: EngineSpec) -> EngineName? {
        engines.first { _, row in
            guard let engine = row.engine else { return false }
            return engine.sockets.addresses.contains { bound in
                bound.port == address.port
                    && EngineSpec.hostsOverlap(
                        bound,
                        dualStack: row.definition.spec.isDualStack,
                        address,
                        dualStack: spec.isDualStack
                    )
            }
        }?.key
    }

    /// Starts the saved engines that a config engine named `name` had hidden, now that reload has
    /// removed it, within the limits; a failure keeps the definition (as a failed row, or in the
    /// state file), it is never dropped.
    func restoreShadowed(freedNames: [EngineName]) {
        let freed = unrestored.filter { freedNames.contains($0.name) }
        unrestored.removeAll { freedNames.contains($0.name) }
        for definition in freed {
            restoreOne(definition, origin: .runtime, event: .engineRestored)
        }
    }

    /// Adds a row for an engine started elsewhere (reload's rollback).
    func insert(_ row: SupervisedEngine) {
        engines[row.definition.name] = row
        order.append(row.definition.name)
    }

    /// Stops one engine and removes its row, logging its final statistics.
    @discardableResult
    func stopRow(_ name: EngineName, reason: String) -> SupervisedEngine? {
        guard let row = engines.removeValue(forKey: name) else { return nil }
        order.removeAll { $0 == name }
        if let engine = row.engine {
            engine.stop()
            logger.log(.engineStopped, level: .notice, metadata: metadata(row).merging(counterMetadata(engine)) { $1 })
        }
        return row
    }

    /// Writes the persistent rows, and the saved engines not restored, to the state file.
    func save() throws(EngineStore.SaveError) {
        // A persistent engine the user started under that name since replaces the unrestored one
        // (a transient one does not: it will not be saved).
        unrestored.removeAll { engines[$0.name]?.isPersistent == true }
        let kept = order.compactMap { engines[$0] }.filter(\.isPersistent).map(\.definition) + unrestored
        try store.save(kept)
    }

    private func saveOrLog() {
        do {
            try save()
        } catch {
            logger.error("cannot save state file", metadata: ["path": "\(store.path)", "reason": "\(error)"])
        }
    }

    func startKeepingFailure(
        _ definition: EngineDefinition,
        origin: SupervisedEngine.Origin,
        event: JournalEvent
    ) {
        var row = SupervisedEngine(definition: definition, origin: origin, isTransient: false)
        do {
            row.engine = try launch(definition)
            logger.log(event, level: .notice, metadata: metadata(row))
            warnIfUnlimited(row)
        } catch {
            row.startFailure = error.description
            logger.log(.engineFailed, level: .error, metadata: metadata(row).merging(["reason": "\(error)"]) { $1 })
        }
        engines[definition.name] = row
        order.append(definition.name)
    }

    func metadata(_ row: SupervisedEngine) -> Logger.Metadata {
        [
            "engine": "\(row.definition.name)",
            "kind": "\(row.definition.spec.kind.rawValue)",
            "backend": "\(row.definition.spec.backend.rawValue)",
            "bind": "\(row.engine?.localAddress.description ?? row.definition.spec.bind.description)",
            "origin": "\(row.origin.rawValue)",
        ]
    }

    private func counterMetadata(_ engine: Engine) -> Logger.Metadata {
        let counters = engine.counterSnapshot()
        var metadata: Logger.Metadata = [
            "rx_datagrams": "\(counters.rxDatagrams)",
            "tx_datagrams": "\(counters.txDatagrams)",
            "dropped": "\(counters.dropped)",
            "errors": "\(counters.errors)",
            // "n/a" where the backend cannot see them (nio, nio-async), never 0.
            "wakeups": "\(counters.value(.wakeups).map(String.init) ?? "n/a")",
            "syscalls": "\(counters.value(.syscalls).map(String.init) ?? "n/a")",
            "kernel_drops": "\(counters.kernelDrops)",
            "policy_drops": "\(counters.policyDrops)",
            "rate_limited": "\(counters.rateLimited)",
            "pktinfo_replies": "\(counters.pktinfoReplies)",
        ]
        if engine.spec.kind == .echo && engine.spec.backend == .gso {
            metadata["gro_buffers"] = "\(counters.groBuffers)"
            metadata["gso_sends"] = "\(counters.gsoSends)"
            // Above 0: the kernel refused UDP_SEGMENT and the engine sends datagram by datagram.
            metadata["gso_fallbacks"] = "\(counters.gsoFallbacks)"
        }
        if engine.spec.laneCount > 1 {
            // Each --threads lane's share, in lane order: UDPLAB_THREAD_RX_DATAGRAMS=12719,16227.
            metadata["thread_rx_datagrams"] = "\(engine.laneShares.map(String.init).joined(separator: ","))"
        }
        if let consumers = engine.relayConsumers?.current {
            metadata["consumer_ignored"] = "\(counters.consumerIgnored)"
            metadata["consumers_refused"] = "\(counters.consumersRefused)"
            metadata["consumers_expired"] = "\(counters.consumersExpired)"
            // Each consumer, in registration order, relayed/dropped/queue high water:
            // UDPLAB_CONSUMERS=127.0.0.1:40001=120/0/3,127.0.0.1:40002=120/7/8.
            metadata["consumers"] =
                "\(consumers.map { "\($0.address)=\($0.relayed.value)/\($0.dropped.value)/\($0.queueHighWater.value)" }.joined(separator: ","))"
        }
        return metadata
    }
}

extension ControlError {
    /// The wire error for an engine that could not start.
    init(_ error: EngineError) {
        switch error {
        case .invalidSpec(let reason): self = .invalidSpec(reason: reason)
        case .addressInUse(let address): self = .addressInUse(address: address.description, engine: nil)
        case .permissionDenied(let reason): self = .invalidSpec(reason: reason)
        case .backendUnavailable(let backend, let reason):
            self = .backendUnavailable(backend: backend.rawValue, reason: reason)
        case .system(let error): self = .internalError(reason: error.description)
        }
    }
}
