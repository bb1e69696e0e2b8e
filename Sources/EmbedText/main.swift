import Glibc

// `EmbedText INPUT OUTPUT NAME`: writes OUTPUT, a Swift file declaring `let NAME: String`, the
// text of INPUT exactly (UTF-8, escaped as a string literal). The build-time tool of the
// EmbedDefaultConfig plugin, run on the build machine: it is not installed.

/// Says what went wrong on stderr and exits 1, failing the build.
func fail(_ message: String) -> Never {
    let line = Array("EmbedText: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}

/// The bytes of the file at `path`.
func readBytes(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { fail("cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        bytes += chunk[..<count]
        if count < chunk.count { break }
    }
    guard ferror(file) == 0 else { fail("cannot read \(path)") }
    return bytes
}

/// `text` as a Swift string literal: quotes, backslashes and control characters escaped, the
/// rest as it is.
func literal(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\t": result += "\\t"
        case "\r": result += "\\r"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            result += "\\u{\(String(scalar.value, radix: 16))}"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}

let arguments = CommandLine.arguments
guard arguments.count == 4 else { fail("usage: EmbedText INPUT OUTPUT NAME") }
let (input, output, name) = (arguments[1], arguments[2], arguments[3])
guard let text = String(validating: readBytes(input), as: UTF8.self) else { fail("\(input) is not UTF-8 text") }
let fileName = input.split(separator: "/").last.map(String.init) ?? input
let source = """
    // Generated at build time by EmbedText (the EmbedDefaultConfig plugin) from \(fileName).
    // Do not edit: edit that file.

    /// The text of `\(fileName)`, byte for byte, as the build found it.
    let \(name) = \(literal(text))

    """
guard let file = fopen(output, "wb") else { fail("cannot create \(output): \(String(cString: strerror(errno)))") }
let bytes = Array(source.utf8)
let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
guard written == bytes.count, fclose(file) == 0 else { fail("cannot write \(output)") }
