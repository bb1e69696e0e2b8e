import TOMLKit

/// Reads a parsed TOML document into a ``DaemonConfig``, checking every table, key and value.
///
/// It never stops at a problem: each one is recorded with the line of the offending key (from
/// ``ConfigSourceMap``) and reading goes on, so one run reports everything to fix.
struct ConfigReader {
    /// Names the text in problems: a path, or `<embedded default>`.
    let source: String
    /// Where the document's tables and keys sit.
    let sourceMap: ConfigSourceMap
    /// The problems found so far, in the order found.
    private(set) var problems: [ConfigProblem] = []

    /// A reader for the document whose text `sourceMap` was built from.
    init(source: String, sourceMap: ConfigSourceMap) {
        self.source = source
        self.sourceMap = sourceMap
    }

    /// The problems found so far, in line order (those on one line in the order found).
    var problemsInLineOrder: [ConfigProblem] {
        problems.enumerated()
            .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
            .map(\.element)
    }

    /// Reads the root table: a `[daemon]` table and `[[engine]]` tables; anything else is a problem.
    /// - Returns: the config, with defaults where keys are missing or wrong; use it only if
    ///   ``problemsInLineOrder`` is empty.
    mutating func read(_ root: TOMLTable) -> DaemonConfig {
        var config = DaemonConfig()
        for (key, value) in root {
            let line = sourceMap.root.line(of: key)
            switch key {
            case "daemon":
                guard let table = value.table else {
                    report("daemon must be a table, written [daemon], not \(Self.describe(value.type))", at: line)
                    continue
                }
                readDaemon(table, into: &config)
            case "engine":
                guard let array = value.array else {
                    report(
                        "engine must be an array of tables, each written [[engine]], not \(Self.describe(value.type))",
                        at: line
                    )
                    continue
                }
                config.engines = readEngines(array)
            default:
                let what = value.type == .table ? "table [\(key)]" : "key '\(key)'"
                report("unknown \(what): the file has a [daemon] table and [[engine]] tables", at: line)
            }
        }
        return config
    }

    // MARK: - Reporting

    /// Records a problem.
    /// - Parameters:
    ///   - message: what is wrong and what to write instead.
    ///   - line: the line of the offending key or table.
    mutating func report(_ message: String, at line: Int) {
        problems.append(ConfigProblem(source: source, line: line, message: message))
    }

    /// Records that `key` is not one of `known`, the keys its table takes.
    mutating func reportUnknownKey(_ key: String, in table: String, known: [String], at line: Int) {
        report("unknown key '\(key)' in \(table): use \(known.joined(separator: ", "))", at: line)
    }

    // MARK: - Typed values

    /// The value as a string.
    /// - Returns: `nil` after reporting that the value is of another type.
    mutating func string(_ value: any TOMLValueConvertible, key: String, at line: Int) -> String? {
        guard let text = value.string else { return reportType(of: value, key: key, expected: .string, at: line) }
        return text
    }

    /// The value as an integer.
    /// - Returns: `nil` after reporting that the value is of another type.
    mutating func integer(_ value: any TOMLValueConvertible, key: String, at line: Int) -> Int? {
        guard let number = value.int else { return reportType(of: value, key: key, expected: .int, at: line) }
        return number
    }

    /// The value as a Boolean.
    /// - Returns: `nil` after reporting that the value is of another type.
    mutating func boolean(_ value: any TOMLValueConvertible, key: String, at line: Int) -> Bool? {
        guard let flag = value.bool else { return reportType(of: value, key: key, expected: .bool, at: line) }
        return flag
    }

    /// Reports that `key` holds a value of the wrong type.
    /// - Returns: `nil`, for the caller to return.
    mutating func reportType<T>(
        of value: any TOMLValueConvertible,
        key: String,
        expected: TOMLType,
        at line: Int
    ) -> T? {
        report("\(key) must be \(Self.describe(expected)), not \(Self.describe(value.type))", at: line)
        return nil
    }

    /// A TOML type with its article, as in "must be an integer".
    static func describe(_ type: TOMLType) -> String {
        switch type {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a floating-point number"
        case .bool: "a boolean"
        case .date: "a date"
        case .time: "a time"
        case .dateTime: "a date-time"
        }
    }
}
