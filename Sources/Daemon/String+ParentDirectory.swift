extension String {
    /// The path without its last component, as a shell's `dirname` minus the `.`: `/a/b` for
    /// `/a/b/c` (and `/a/b/c/`), `/` for `/a` and `/`, `a` for `a/b`, empty for a bare name.
    var parentDirectory: String {
        var path = Substring(self)
        while path.count > 1 && path.hasSuffix("/") { path = path.dropLast() }
        guard let slash = path.lastIndex(of: "/") else { return "" }
        var parent = path[..<slash]
        while parent.hasSuffix("/") { parent = parent.dropLast() }
        return parent.isEmpty ? "/" : String(parent)
    }
}
