import TOMLKit
import UDPLabCore

extension ConfigReader {
    /// The keys an `[[engine]]` table takes: `udplabctl start`'s options.
    static let engineKeys = ["name", "kind", "backend", "bind", "queue", "buffer", "budget", "trace"]

    /// Reads the `[[engine]]` tables, then checks that no two engines share a name.
    /// - Returns: the engines without problems, in file order.
    mutating func readEngines(_ array: TOMLArray) -> [EngineDefinition] {
        var definitions: [EngineDefinition] = []
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
                if let definition { definitions.append(definition) }
            }
        }
        return definitions
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
            case "bind":
                guard let text = string(value, key: key, at: line) else { continue }
                do {
                    spec.bind = try SocketAddress(parsing: text)
                } catch {
                    report("invalid bind: \(error)", at: line)
                }
            case "queue": spec.queue = integer(value, key: key, at: line)
            case "buffer": spec.buffer = integer(value, key: key, at: line)
            case "budget": spec.budget = integer(value, key: key, at: line)
            case "trace": spec.trace = boolean(value, key: key, at: line) ?? false
            default: reportUnknownKey(key, in: "[[engine]]", known: Self.engineKeys, at: line)
            }
        }
        validateOptions(of: spec, lines: lines)
        // Without a valid name of its own, an engine is named after its kind, if that is known.
        let resolvedName = name ?? (hasNameProblem || hasKindProblem ? nil : EngineName(defaultFor: spec.kind))
        guard problems.count == problemCount, let resolvedName else { return (resolvedName, nil) }
        return (resolvedName, EngineDefinition(name: resolvedName, spec: spec))
    }

    /// Checks `queue`, `buffer` and `budget` one at a time, each at its own line, so every bad
    /// value is reported; then, if each is fine alone, the whole spec at the table's header, for
    /// any rule `EngineSpec.validate()` has that spans options.
    private mutating func validateOptions(of spec: EngineSpec, lines: TableLines) {
        let alone = [
            ("queue", EngineSpec(kind: spec.kind, backend: spec.backend, queue: spec.queue)),
            ("buffer", EngineSpec(kind: spec.kind, backend: spec.backend, buffer: spec.buffer)),
            ("budget", EngineSpec(kind: spec.kind, backend: spec.backend, budget: spec.budget)),
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
