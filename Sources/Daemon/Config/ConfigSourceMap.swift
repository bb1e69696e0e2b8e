/// The lines of a config file's tables and keys, which TOMLKit does not report.
///
/// Built with ``TOMLLineScanner`` from text TOMLKit has accepted. It follows the `[daemon]` and
/// `[[engine]]` headers (the i-th `[[engine]]` header is the i-th element of the `engine` array)
/// and records every key that the root, `[daemon]` and each `[[engine]]` table define directly.
/// A table written inline (`daemon = { … }`) has no lines of its own: its keys take the line of
/// the key that holds it.
struct ConfigSourceMap {
    /// Which table the statements after a header belong to.
    private enum Target {
        case root
        case daemon
        case engine(Int)
        /// A table this map does not follow, such as `[daemon.extra]`.
        case other
    }

    /// The root table: its `key = value` lines and the first key of every header.
    private(set) var root = TableLines(header: 1)
    private var daemon: TableLines?
    private var engines: [TableLines] = []

    /// Scans `text`, which must be valid TOML.
    init(text: String) {
        var scanner = TOMLLineScanner(text: text)
        var target = Target.root
        while let statement = scanner.nextStatement() {
            switch statement {
            case .header(let path, let isArray, let line):
                root.record(path[0], line: line)
                target = enter(path, isArray: isArray, at: line)
            case .keyValue(let path, let valueText, let line):
                switch target {
                case .root: root.record(path[0], line: line, valueText: valueText)
                case .daemon: daemon?.record(path[0], line: line, valueText: valueText)
                case .engine(let index): engines[index].record(path[0], line: line, valueText: valueText)
                case .other: break
                }
            }
        }
    }

    /// The `[daemon]` table's lines; if it has no header, every key is at the line of `daemon`.
    var daemonTable: TableLines { daemon ?? TableLines(header: root.line(of: "daemon")) }

    /// The lines of the engine at `index` in the `engine` array; if the array is written inline,
    /// every key is at the line of `engine`.
    func engineTable(at index: Int) -> TableLines {
        engines.indices.contains(index) ? engines[index] : TableLines(header: root.line(of: "engine"))
    }

    /// Follows a header.
    /// - Returns: the table its statements belong to.
    private mutating func enter(_ path: [String], isArray: Bool, at line: Int) -> Target {
        switch (path[0], path.count > 1, isArray) {
        case ("daemon", false, false):
            if daemon == nil { daemon = TableLines(header: line) }
            return .daemon
        case ("engine", false, true):
            engines.append(TableLines(header: line))
            return .engine(engines.count - 1)
        case ("daemon", true, _):
            if daemon == nil { daemon = TableLines(header: line) }
            daemon?.record(path[1], line: line)
            return .other
        case ("engine", true, _) where !engines.isEmpty:
            engines[engines.count - 1].record(path[1], line: line)
            return .other
        default:
            return .other
        }
    }
}
