/// Where one table of a config file sits: its header's line and the line of each key it defines.
struct TableLines {
    /// Where a key is defined.
    struct Key {
        /// The key's line.
        let line: Int
        /// The value as written, for a `key = value` pair; `nil` for a sub-table header (`[t.key]`).
        let valueText: String?
    }

    /// The header's line: where a problem goes when its key's own line is unknown.
    let header: Int
    /// The keys defined directly in the table, by name. A dotted key `a.b = 1` or a sub-table
    /// `[t.a]` defines `a`; when a key is defined in parts, its first line is kept.
    private(set) var keys: [String: Key] = [:]

    /// A table starting at line `header`, with no keys yet.
    init(header: Int) {
        self.header = header
    }

    /// The line of `key`, or the header's when the key was not found in the text.
    func line(of key: String) -> Int { keys[key]?.line ?? header }

    /// The value of `key` as written in the text, if it was found there as `key = value`.
    func valueText(of key: String) -> String? { keys[key]?.valueText }

    /// Notes that `key` is defined at `line`, unless it already was.
    mutating func record(_ key: String, line: Int, valueText: String? = nil) {
        guard keys[key] == nil else { return }
        keys[key] = Key(line: line, valueText: valueText)
    }
}
