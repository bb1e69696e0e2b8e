import Logging
import UDPLabEngines
import UDPLabProtocol
import UDPLabSystemd

extension EngineSupervisor {
    /// Makes the config engines match `declared`: starts new ones, stops removed ones, restarts
    /// changed (or failed) ones. All or nothing: if one cannot start, everything done so far is
    /// undone and the error says which engine and why.
    ///
    /// - Throws: ``ControlError``: `engineExists` when a declared name belongs to a runtime
    ///   engine, `limitReached`, or the start error of the engine that failed.
    func reconcile(declared: [EngineDefinition]) throws(ControlError) -> ReloadMethod.Reply {
        let current = declaredDefinitions()
        for definition in declared where current[definition.name] == nil {
            if (try? stats(names: [definition.name.rawValue])) != nil {
                throw .engineExists(name: definition.name.rawValue)
            }
        }
        let declaredNames = Set(declared.map(\.name))
        let removed = current.keys.filter { !declaredNames.contains($0) }.sorted()
        let changed = declared.filter { definition in
            guard let row = current[definition.name] else { return false }
            return row.definition != definition || row.engine?.state != .running
        }
        let added = declared.filter { current[$0.name] == nil }
        let unchanged = declared.filter { current[$0.name] != nil && !changed.contains($0) }.map(\.name.rawValue)
        let total = counts().engines - removed.count + added.count
        guard total <= ControlProtocol.maximumEngines else {
            throw .limitReached(limit: "engines", maximum: ControlProtocol.maximumEngines)
        }

        var stoppedRows: [SupervisedEngine] = []
        for name in removed + changed.map(\.name) {
            if let row = stopRow(name, reason: "reload") { stoppedRows.append(row) }
        }
        var startedNames: [EngineName] = []
        for definition in declared where !unchanged.contains(definition.name.rawValue) {
            do {
                _ = try start(definition, origin: .config, transient: false)
                startedNames.append(definition.name)
            } catch {
                rollBack(started: startedNames, stopped: stoppedRows)
                throw error.prefixed("reload failed, nothing changed: engine \(definition.name)")
            }
        }
        restoreShadowed(freedNames: removed)
        return ReloadMethod.Reply(
            started: added.map(\.name.rawValue),
            stopped: removed.map(\.rawValue),
            restarted: changed.map(\.name.rawValue),
            unchanged: unchanged
        )
    }

    /// Undoes a partial reload: stops what it started, starts again what it stopped.
    private func rollBack(started: [EngineName], stopped: [SupervisedEngine]) {
        for name in started {
            stopRow(name, reason: "reload rolled back")
        }
        for var row in stopped {
            do {
                row.engine = try launch(row.definition)
            } catch {
                // Kept as a failed row: the definition is not lost, and the error is on record.
                row.startFailure = error.description
                logger.log(.engineFailed, level: .error, metadata: metadata(row).merging(["reason": "\(error)"]) { $1 })
            }
            insert(row)
        }
    }
}

extension ControlError {
    /// The same error with `context` before its reason, where it has one.
    func prefixed(_ context: String) -> ControlError {
        switch self {
        case .invalidSpec(let reason): .invalidSpec(reason: "\(context): \(reason)")
        case .internalError(let reason): .internalError(reason: "\(context): \(reason)")
        default: self
        }
    }
}
