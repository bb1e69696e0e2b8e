import TOMLKit
import UDPLabOS
import UDPLabProtocol

extension ConfigReader {
    /// The keys an `[[engine]]` table takes: a name, a kind and `udplabctl start`'s options.
    static let engineKeys = ["name", "kind"] + EngineOption.all.map(\.key)

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
            default:
                guard let option = EngineOption.named(key: key) else {
                    reportUnknownKey(key, in: "[[engine]]", known: Self.engineKeys, at: line)
                    continue
                }
                guard let given = optionValue(value, for: option, at: line) else { continue }
                do {
                    try spec.set(option, to: given)
                } catch {
                    report(error.message(naming: key), at: line)
                }
            }
        }
        // Each problem at its option's line, so every bad value is reported where it is.
        for problem in spec.problems() {
            report(problem.message, at: problem.option.map { lines.line(of: $0.key) } ?? lines.header)
        }
        // Without a valid name of its own, an engine is named after its kind, if that is known.
        let resolvedName = name ?? (hasNameProblem || hasKindProblem ? nil : EngineName(defaultFor: spec.kind))
        guard problems.count == problemCount, let resolvedName else { return (resolvedName, nil) }
        return (resolvedName, EngineDefinition(name: resolvedName, spec: spec))
    }

    /// The value of `option` that `value` is, by the option's type; `nil` after reporting a
    /// problem.
    private mutating func optionValue(
        _ value: any TOMLValueConvertible,
        for option: EngineOption,
        at line: Int
    ) -> EngineOptionValue? {
        switch option.values {
        case .integer: integer(value, key: option.key, at: line).map(EngineOptionValue.integer)
        case .seconds: seconds(value, key: option.key, at: line).map(EngineOptionValue.seconds)
        case .choice, .address, .text: string(value, key: option.key, at: line).map(EngineOptionValue.text)
        case .flag: boolean(value, key: option.key, at: line).map(EngineOptionValue.flag)
        }
    }

    /// A duration option (`interval`): `"200ms"`, `"3s"`, `"2m"`, `"1h"` (as `stats_interval`),
    /// or a number of seconds, integer or not; its range is checked with the other options.
    /// - Returns: the seconds, or `nil` after reporting a problem.
    private mutating func seconds(_ value: any TOMLValueConvertible, key: String, at line: Int) -> Double? {
        if let seconds = value.int { return Double(seconds) }
        if let seconds = value.double { return seconds }
        guard let text = value.string else {
            report(
                "\(key) must be a duration like \"3s\" or a number of seconds, not \(Self.describe(value.type))",
                at: line
            )
            return nil
        }
        guard let duration = try? Duration(parsing: text, as: .configFile) else {
            report(
                "\(key) '\(text)' is not a duration: write e.g. \"200ms\", \"3s\", \"2m\" or a number of seconds",
                at: line
            )
            return nil
        }
        return duration.seconds
    }

    /// The raw values of `type`'s cases, for a message: `select, poll, …`.
    private static func names<T: CaseIterable & RawRepresentable<String>>(of type: T.Type) -> String {
        T.allCases.map(\.rawValue).joined(separator: ", ")
    }
}
