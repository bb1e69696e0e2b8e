import TOMLKit
import UDPLabOS
import UDPLabProtocol

extension ConfigReader {
    /// The keys an `[[engine]]` table takes: `udplabctl start`'s options.
    static let engineKeys = [
        "name", "kind", "backend", "strategy", "bind", "dual_stack", "count", "queue", "buffer", "budget", "batch",
        "reply", "interval", "polls", "trace",
    ]

    /// Reads the `[[engine]]` tables, then checks that no two engines share a name or an address.
    /// - Returns: the engines without problems, in file order.
    mutating func readEngines(_ array: TOMLArray) -> [EngineDefinition] {
        var definitions: [EngineDefinition] = []
        var placed: [(definition: EngineDefinition, lines: TableLines)] = []
        var firstLines: [EngineName: Int] = [:]
        for (index, element) in array.enumerated() {
            let lines = sourceMap.engineTable(at: index)
            guard let table = element.table else {
                report(
                    "each engine must be a table, written [[engine]], not \(Self.describe(element.type))",
                    at: lines.header
                )
                continue
            }
            let (name, definition) = readEngine(table, lines: lines)
            guard let name else { continue }
            let line = lines.line(of: "name")
            if let first = firstLines[name] {
                let unnamed = table["name"] == nil ? " (an engine without a name is named after its kind)" : ""
                report(
                    "engine name '\(name)' is already used by the engine at line \(first)\(unnamed): "
                        + "give each engine its own name",
                    at: line
                )
            } else {
                firstLines[name] = line
                if let definition {
                    definitions.append(definition)
                    placed.append((definition, lines))
                }
            }
        }
        reportSharedAddresses(placed)
        return definitions
    }

    /// Reports each engine that would bind an address an earlier engine binds (the same one, a
    /// wildcard over it, overlapping multisocket port ranges): it could only fail with
    /// `AddressInUse` at start, and a reload with it would roll back.
    private mutating func reportSharedAddresses(_ engines: [(definition: EngineDefinition, lines: TableLines)]) {
        for (index, engine) in engines.enumerated() {
            let spec = engine.definition.spec
            guard let earlier = engines[..<index].first(where: { $0.definition.spec.sharesAddress(with: spec) })
            else { continue }
            report(
                "engine '\(engine.definition.name)' binds \(spec.boundDescription), which the engine "
                    + "'\(earlier.definition.name)' at line \(earlier.lines.line(of: "bind")) binds too "
                    + "(\(earlier.definition.spec.boundDescription)): give each engine its own address or port",
                at: engine.lines.line(of: "bind")
            )
        }
    }

    /// Reads one `[[engine]]` table.
    /// - Returns: the engine's name, when it has a valid one (given, or its kind's), for the check
    ///   for duplicates; and the engine, when the table has no problem.
    private mutating func readEngine(
        _ table: TOMLTable,
        lines: TableLines
    ) -> (name: EngineName?, definition: EngineDefinition?) {
        let problemCount = problems.count
        var spec = EngineSpec()
        var name: EngineName?
        var hasNameProblem = false
        var hasKindProblem = false
        for (key, value) in table {
            let line = lines.line(of: key)
            switch key {
            case "name":
                guard let text = string(value, key: key, at: line) else {
                    hasNameProblem = true
                    continue
                }
                do {
                    name = try EngineName(text)
                } catch {
                    hasNameProblem = true
                    report(error.description, at: line)
                }
            case "kind":
                guard let text = string(value, key: key, at: line) else {
                    hasKindProblem = true
                    continue
                }
                guard let kind = EngineKind(rawValue: text) else {
                    hasKindProblem = true
                    report("unknown kind '\(text)': use one of \(Self.names(of: EngineKind.self))", at: line)
                    continue
                }
                spec.kind = kind
            case "backend":
                guard let text = string(value, key: key, at: line) else { continue }
                guard let backend = Backend(rawValue: text) else {
                    report("unknown backend '\(text)': use one of \(Self.names(of: Backend.self))", at: line)
                    continue
                }
                spec.backend = backend
            case "strategy":
                guard let text = string(value, key: key, at: line) else { continue }
                guard let strategy = Strategy(rawValue: text) else {
                    report("unknown strategy '\(text)': use one of \(Self.names(of: Strategy.self))", at: line)
                    continue
                }
                spec.strategy = strategy
            case "bind":
                guard let text = string(value, key: key, at: line) else { continue }
                do {
                    spec.bind = try SocketAddress(parsing: text)
                } catch {
                    report("invalid bind: \(error)", at: line)
                }
            case "count": spec.count = integer(value, key: key, at: line)
            case "queue": spec.queue = integer(value, key: key, at: line)
            case "buffer": spec.buffer = integer(value, key: key, at: line)
            case "budget": spec.budget = integer(value, key: key, at: line)
            case "batch": spec.batch = integer(value, key: key, at: line)
            case "reply":
                guard let text = string(value, key: key, at: line) else { continue }
                guard let reply = ReplyMode(rawValue: text) else {
                    report("unknown reply '\(text)': use one of \(Self.names(of: ReplyMode.self))", at: line)
                    continue
                }
                spec.reply = reply
            case "interval": spec.interval = interval(value, at: line)
            case "polls": spec.polls = integer(value, key: key, at: line)
            case "trace": spec.trace = boolean(value, key: key, at: line) ?? false
            case "dual_stack": spec.dualStack = boolean(value, key: key, at: line) == true ? true : nil
            default: reportUnknownKey(key, in: "[[engine]]", known: Self.engineKeys, at: line)
            }
        }
        validateOptions(of: spec, lines: lines)
        // Without a valid name of its own, an engine is named after its kind, if that is known.
        let resolvedName = name ?? (hasNameProblem || hasKindProblem ? nil : EngineName(defaultFor: spec.kind))
        guard problems.count == problemCount, let resolvedName else { return (resolvedName, nil) }
        return (resolvedName, EngineDefinition(name: resolvedName, spec: spec))
    }

    /// `interval`: `"200ms"`, `"3s"`, `"2m"`, `"1h"` (as `stats_interval`), or a number of seconds,
    /// integer or not; its range is checked with the other options.
    /// - Returns: the seconds, or `nil` after reporting a problem.
    private mutating func interval(_ value: any TOMLValueConvertible, at line: Int) -> Double? {
        if let seconds = value.int { return Double(seconds) }
        if let seconds = value.double { return seconds }
        guard let text = value.string else {
            report(
                "interval must be a duration like \"3s\" or a number of seconds, not \(Self.describe(value.type))",
                at: line
            )
            return nil
        }
        guard let duration = try? Duration(parsing: text, as: .configFile) else {
            report(
                "interval '\(text)' is not a duration: write e.g. \"200ms\", \"3s\", \"2m\" or a number of seconds",
                at: line
            )
            return nil
        }
        return duration.seconds
    }

    /// Checks each option alone (with the kind and backend, which decide whether it applies), at
    /// its own line, so every bad value is reported; then, if each is fine alone, the whole spec at
    /// the table's header, for any rule `EngineSpec.validate()` has that spans options.
    private mutating func validateOptions(of spec: EngineSpec, lines: TableLines) {
        // A backend given to another kind is reported once, at its own line, not again at each option's.
        let kind = spec.kind
        let backend = kind == .echo ? spec.backend : .default
        let alone = [
            ("backend", EngineSpec(kind: kind, backend: spec.backend)),
            ("strategy", EngineSpec(kind: kind, strategy: spec.strategy)),
            // One socket here: the port range of a multisocket engine is the count's (or, with the
            // default count, the bind's) to report.
            (
                "dual_stack",
                EngineSpec(
                    kind: kind,
                    bind: spec.bind,
                    count: kind == .multisocket ? 1 : nil,
                    dualStack: spec.dualStack
                )
            ),
            (spec.count == nil ? "bind" : "count", EngineSpec(kind: kind, bind: spec.bind, count: spec.count)),
            ("queue", EngineSpec(kind: kind, backend: backend, queue: spec.queue)),
            ("buffer", EngineSpec(kind: kind, backend: backend, buffer: spec.buffer)),
            ("budget", EngineSpec(kind: kind, backend: backend, budget: spec.budget)),
            ("batch", EngineSpec(kind: kind, backend: backend, batch: spec.batch)),
            ("reply", EngineSpec(kind: kind, backend: backend, reply: spec.reply)),
            ("interval", EngineSpec(kind: kind, interval: spec.interval)),
            ("polls", EngineSpec(kind: kind, polls: spec.polls)),
        ]
        var isEachValid = true
        for (key, option) in alone {
            do {
                try option.validate()
            } catch {
                report(error.description, at: lines.line(of: key))
                isEachValid = false
            }
        }
        guard isEachValid else { return }
        do {
            try spec.validate()
        } catch {
            report(error.description, at: lines.header)
        }
    }

    /// The raw values of `type`'s cases, for a message: `select, poll, …`.
    private static func names<T: CaseIterable & RawRepresentable<String>>(of type: T.Type) -> String {
        T.allCases.map(\.rawValue).joined(separator: ", ")
    }
}
