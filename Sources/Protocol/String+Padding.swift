extension String {
    /// The text cut or filled with spaces to `length` characters: the aligned columns of
    /// `key: value` lines and help lists (what Foundation's `padding(toLength:…)` did for them).
    public func padded(toLength length: Int) -> String {
        count >= length ? String(prefix(max(0, length))) : self + String(repeating: " ", count: length - count)
    }
}
