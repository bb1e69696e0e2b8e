/// Every problem found in a config file: parsing collects them all rather than stopping at the
/// first, so one `check-config` run shows everything to fix.
struct ConfigError: Error, Equatable, CustomStringConvertible {
    /// The problems, in line order.
    let problems: [ConfigProblem]

    /// One problem per line.
    var description: String { problems.map(\.description).joined(separator: "\n") }
}
