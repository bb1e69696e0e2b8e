/// A plain-text table: a header row and data rows, columns separated by two spaces.
///
/// Widths count characters, so `µs` lines up. The last column is not padded, so no line ends in
/// spaces.
struct Table {
    /// How a column's cells line up.
    enum Alignment {
        case left
        case right
    }

    /// One column: its title and alignment.
    struct Column {
        let title: String
        let alignment: Alignment

        /// A column titled `title`, left-aligned unless told otherwise.
        init(_ title: String, _ alignment: Alignment = .left) {
            self.title = title
            self.alignment = alignment
        }
    }

    /// The columns, left to right.
    let columns: [Column]
    /// The data rows; each has one cell per column.
    var rows: [[String]] = []

    /// The table as lines joined by newlines, header first, without a trailing newline.
    func render() -> String {
        let all = [columns.map(\.title)] + rows
        let widths = columns.indices.map { index in all.map { $0[index].count }.max() ?? 0 }
        return all.map { cells in
            var line = ""
            for (index, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                let isLast = index == cells.count - 1
                switch columns[index].alignment {
                case .left: line += isLast ? cell : cell + padding
                case .right: line += padding + cell
                }
                if !isLast { line += "  " }
            }
            return line
        }
        .joined(separator: "\n")
    }
}
