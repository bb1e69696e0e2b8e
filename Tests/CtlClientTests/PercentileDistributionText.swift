/// A `.hgrm` text read back: HdrHistogram's percentile distribution as
/// `outputPercentileDistribution` prints it (plain text), for the `--hgrm` tests.
struct PercentileDistributionText {
    /// One line of the table.
    struct Row: Equatable {
        let value: Double
        let percentile: Double
        let totalCount: Int
        /// 1/(1-Percentile); `nil` on the last line (100 %), which has no such column.
        let inverse: Double?
    }

    /// The column names of the header line.
    let columns: [Substring]
    let rows: [Row]
    /// The footer's `#[Key = value, Key = value]` pairs, e.g. "Total count" → "1234".
    let footer: [String: String]

    /// Parses `text`; `nil` when a line is neither the header, blank, a row nor a footer line.
    init?(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let header = lines.first else { return nil }
        columns = header.split(separator: " ")
        var rows: [Row] = []
        var footer: [String: String] = [:]
        for line in lines.dropFirst() where !line.isEmpty {
            if line.hasPrefix("#[") && line.hasSuffix("]") {
                for pair in line.dropFirst(2).dropLast().split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { return nil }
                    footer[String(parts[0].trimmingSpaces)] = String(parts[1].trimmingSpaces)
                }
                continue
            }
            let fields = line.split(separator: " ")
            guard fields.count == 3 || fields.count == 4, let value = Double(fields[0]),
                let percentile = Double(fields[1]), let totalCount = Int(fields[2])
            else { return nil }
            let inverse = fields.count == 4 ? Double(fields[3]) : nil
            if fields.count == 4 && inverse == nil { return nil }
            rows.append(Row(value: value, percentile: percentile, totalCount: totalCount, inverse: inverse))
        }
        self.rows = rows
        self.footer = footer
    }
}

extension Substring {
    /// Without leading and trailing spaces.
    fileprivate var trimmingSpaces: Substring {
        drop { $0 == " " }.reversed().drop { $0 == " " }.reversed().reduce(into: "") { $0.append($1) }[...]
    }
}
