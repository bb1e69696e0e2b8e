import ArgumentParser
import UDPLabCore

/// The options that describe an engine, shared by `udplabd run` (and later the config file and
/// `udplabctl start`). Parsed as text and checked by ``spec(kind:)`` so every mistake gets one
/// clear line.
struct EngineOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The I/O model (see the list below).", valueName: "backend"))
    var backend: String = Backend.default.rawValue

    @Option(help: ArgumentHelp("Address to bind: HOST:PORT or [IPv6]:PORT.", valueName: "host:port"))
    var bind: String = EngineSpec.defaultBind.description

    @Option(
        help: ArgumentHelp(
            "Outgoing queue capacity in datagrams (default 8); a datagram that finds it full is dropped and counted.",
            valueName: "n"
        )
    )
    var queue: Int?

    @Option(
        help: ArgumentHelp(
            "Receive buffer per datagram in bytes (default 1500, at most 65535); longer datagrams are truncated and counted.",
            valueName: "bytes"
        )
    )
    var buffer: Int?

    @Option(
        help: ArgumentHelp(
            "Datagrams handled per readiness event before yielding; 0 drains (default 1 on level backends, 0 on edge ones).",
            valueName: "n"
        )
    )
    var budget: Int?

    @Flag(help: "Print the seed programs' per-event lines (recv …, sent …, total pending writes: K).")
    var trace = false

    /// The spec these options describe.
    /// - Throws: ``CommandFailure`` naming the bad option.
    func spec(kind: EngineKind) throws -> EngineSpec {
        guard let backend = Backend(rawValue: backend) else {
            let names = Backend.allCases.map(\.rawValue).joined(separator: ", ")
            throw CommandFailure(message: "unknown backend '\(self.backend)': use one of \(names)", exitCode: 64)
        }
        let address: SocketAddress
        do {
            address = try SocketAddress(parsing: bind)
        } catch {
            throw CommandFailure(message: "invalid --bind: \(error)", exitCode: 64)
        }
        let spec = EngineSpec(
            kind: kind,
            backend: backend,
            bind: address,
            queue: queue,
            buffer: buffer,
            budget: budget,
            trace: trace
        )
        do {
            try spec.validate()
        } catch {
            throw CommandFailure(message: error.description, exitCode: 64)
        }
        return spec
    }
}
