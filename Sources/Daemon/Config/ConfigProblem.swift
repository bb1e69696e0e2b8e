/// One thing wrong with a config file, with where it is, so `check-config` and a failed reload can
/// point at the line to fix.
struct ConfigProblem: Equatable, Sendable, CustomStringConvertible {
    /// The file's path, or `<embedded default>`.
    let source: String
    /// The 1-based line of the offending key or table header; `nil` when the whole file is at fault
    /// (it cannot be read, or is not UTF-8).
    let line: Int?
    /// What is wrong and what to write instead.
    let message: String

    /// `PATH:LINE: message`, or `PATH: message` without a line, as compilers print it.
    var description: String {
        guard let line else { return "\(source): \(message)" }
        return "\(source):\(line): \(message)"
    }
}
