import Synchronization
import Testing

@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// `--dual-stack`: an engine on `[::]` with `IPV6_V6ONLY` off serves IPv4 too; without it an
/// IPv6 engine is IPv6-only on every backend, whatever `net.ipv6.bindv6only` says.
@Suite("Dual stack")
struct DualStackTests {
    /// The backends that serve a wildcard bind (nio and nio-async refuse one: ReplySourceTests).
    static let wildcardBackends = Backend.allCases.filter { $0.traits.refusesWildcardBind == nil }

    @Test("A dual-stack engine on [::]:0 echoes to 127.0.0.1 and to ::1", arguments: wildcardBackends)
    func servesBothFamilies(backend: Backend) throws {
        let lines = Mutex<[String]>([])
        let spec = EngineSpec(
            backend: backend,
            bind: try SocketAddress(parsing: "[::]:0"),
            trace: true,
            dualStack: true
        )
        let engine = try Engine.start(spec, trace: { line in lines.withLock { $0.append(line) } })
        defer { engine.stop() }
        let port = engine.localAddress.port

        let ipv4 = try TestClient()
        try ipv4.send(Array("four".utf8), to: SocketAddress(loopbackPort: port))
        guard let (reply, source) = try ipv4.receive() else { throw TestFailure("no echo over IPv4") }
        #expect(reply == Array("four".utf8))
        #expect(!source.isIPv6, "the reply comes from 127.0.0.1, not from a mapped address")

        let ipv6 = try TestClient(ipv6: true)
        try ipv6.send(Array("six".utf8), to: try SocketAddress(parsing: "[::1]:\(port)"))
        #expect(try ipv6.expectDatagram() == Array("six".utf8))

        if Backend.udplabLoops.contains(backend) {
            let traced = lines.withLock { $0 }
            #expect(
                traced.contains { $0.contains("from \(ipv4.address)") },
                "the IPv4 peer is traced as \(ipv4.address), not as ::ffff:…: \(traced)"
            )
        }
    }

    @Test("Without --dual-stack an engine on [::] leaves IPv4 alone", arguments: wildcardBackends)
    func ipv6OnlyByDefault(backend: Backend) throws {
        // An IPv4 socket holds 0.0.0.0:P first; an IPv6-only engine can still bind [::]:P (a
        // dual-stack one could not), and an IPv4 datagram to P reaches that socket, not the engine.
        // Another P when someone else holds the IPv6 side of the port the kernel gave the socket.
        for attempt in 1...20 {
            let probe = try UDPSocket(binding: try SocketAddress(parsing: "0.0.0.0:0"))
            let port = probe.localAddress.port
            let engine: Engine
            do {
                engine = try Engine.start(
                    EngineSpec(backend: backend, bind: try SocketAddress(parsing: "[::]:\(port)"))
                )
            } catch EngineError.addressInUse where attempt < 20 {
                continue
            }
            defer { engine.stop() }
            let client = try TestClient()
            try client.send(Array("four".utf8), to: SocketAddress(loopbackPort: port))
            try waitUntil("the IPv4 socket receives the datagram") {
                var buffer = [UInt8](repeating: 0, count: 16)
                let result = try buffer.withUnsafeMutableBytes { try probe.receive(into: $0) }
                if case .processed = result { return true }
                return false
            }
            #expect(engine.counters.rxDatagrams.value == 0)
            return
        }
    }

    @Test("A dual-stack engine holds the IPv4 side of its port too")
    func dualStackHoldsIPv4() throws {
        let spec = EngineSpec(bind: try SocketAddress(parsing: "[::]:0"), dualStack: true)
        let engine = try Engine.start(spec)
        defer { engine.stop() }
        #expect(throws: SystemError.self) {
            _ = try UDPSocket(binding: try SocketAddress(parsing: "0.0.0.0:\(engine.localAddress.port)"))
        }
    }

    @Test("--dual-stack on an IPv4 bind, or on a kind without sockets, is an InvalidSpec")
    func rejectsIPv4() {
        #expect(throws: EngineError.self) {
            try EngineSpec(bind: .init(loopbackPort: 0), dualStack: true).validate()
        }
        #expect(
            throws: EngineError.invalidSpec("--dual-stack does not apply to kind empty: it is for engines with sockets")
        ) {
            try EngineSpec(kind: .empty, bind: try SocketAddress(parsing: "[::]:0"), dualStack: true).validate()
        }
    }
}
