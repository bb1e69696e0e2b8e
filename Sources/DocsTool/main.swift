import FoundationEssentials
import UDPLabCommandLine
import UDPLabOS

/// `udplab-docs [--check]`, run from the package's root (`make docs`): writes the parts of the
/// README, the man pages and the IDL file that are rendered from the option and backend tables
/// (``GeneratedDocs``). With `--check` it changes nothing and exits 1 if any part is stale.
let check = CommandLine.arguments.dropFirst().first == "--check"
var stale: [String] = []
do {
    for region in GeneratedDocs.regions {
        let url = URL(fileURLWithPath: region.path)
        let current = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        let rendered = try GeneratedDocs.rendering(region, in: current)
        guard rendered != current else { continue }
        stale.append(region.path)
        if !check { try Data(rendered.utf8).write(to: url) }
    }
} catch {
    print("udplab-docs: \(error)")
    CurrentProcess.exit(1)
}
if check, !stale.isEmpty {
    print("udplab-docs: stale, run `make docs`: \(stale.joined(separator: ", "))")
    CurrentProcess.exit(1)
}
for path in stale { print("udplab-docs: wrote \(path)") }
