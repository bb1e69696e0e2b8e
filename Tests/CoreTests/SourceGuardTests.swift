import Foundation
import Glibc
import Testing

@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// The loop and reflection guard (`--deny-source-ports`) on every backend, with real sockets:
/// clients bound to the denied ports themselves (root: ports below 1024), each on its own
/// loopback address (127.0.0.0/8 is all loopback) so that parallel cases never share a port.
@Suite("Source guard")
struct SourceGuardTests {
    /// Ports below 1024 and raw sockets need root (CAP_NET_BIND_SERVICE, CAP_NET_RAW).
    static let isRoot = geteuid() == 0
    static let rootOnly = "needs root: binds source ports 7, 19 and 53 (CAP_NET_BIND_SERVICE)"

    /// `127.<net>.<backend's index>.<host>:<port>`: an address of this case's own.
    static func address(_ net: Int, _ backend: Backend, host: Int, port: UInt16) throws -> SocketAddress {
        let index = Backend.allCases.firstIndex(of: backend) ?? 0
        return try SocketAddress(parsing: "127.\(net).\(index + 1).\(host):\(port)")
    }

    @Test(
        "A datagram from source port 7, 19 or 53 is not echoed and is counted in policy_drops",
        .enabled(if: isRoot, .init(rawValue: rootOnly)),
        arguments: Backend.allCases
    )
    func deniedPortsAreNotEchoed(backend: Backend) throws {
        let engine = try Engine.start(EngineSpec(backend: backend, bind: .init(loopbackPort: 0)))
        defer { engine.stop() }
        let ports: [UInt16] = [7, 19, 53]
        let denied = try ports.enumerated().map { index, port in
            try TestClient(binding: Self.address(77, backend, host: index + 1, port: port))
        }
        for client in denied {
            try client.send(Array("loop?".utf8), to: engine.localAddress)
        }
        // A legitimate client still gets its echo.
        let client = try TestClient()
        try client.send(Array("hello".utf8), to: engine.localAddress)
        #expect(try client.expectDatagram() == Array("hello".utf8))
        try waitUntil("the three denied datagrams are counted") {
            engine.counters.policyDrops.value == UInt64(ports.count)
        }
        for (client, port) in zip(denied, ports) {
            #expect(try client.receive(timeout: .milliseconds(50)) == nil, "no echo to port \(port)")
        }
        let counters = engine.counterSnapshot()
        #expect(counters.rxDatagrams == UInt64(ports.count + 1))
        #expect(counters.txDatagrams == 1)
        #expect(counters.policyDrops == UInt64(ports.count))
        #expect(counters.unanswered == 0 && counters.dropped == 0 && counters.errors == 0)
    }

    @Test(
        "--deny-source-ports none echoes a datagram from port 7; a list denies just its ports",
        .enabled(if: isRoot, .init(rawValue: rootOnly)),
        arguments: Backend.allCases
    )
    func listIsConfigurable(backend: Backend) throws {
        let open = try Engine.start(
            EngineSpec(backend: backend, bind: .init(loopbackPort: 0), denySourcePorts: SourcePortList.none)
        )
        defer { open.stop() }
        let seven = try TestClient(binding: Self.address(78, backend, host: 1, port: 7))
        try seven.send(Array("echo".utf8), to: open.localAddress)
        #expect(try seven.expectDatagram() == Array("echo".utf8))
        #expect(open.counterSnapshot().policyDrops == 0)

        // Only 4789 denied: port 7 is echoed, 4789 is not.
        let listed = try Engine.start(
            EngineSpec(
                backend: backend,
                bind: .init(loopbackPort: 0),
                denySourcePorts: try SourcePortList(parsing: "4789")
            )
        )
        defer { listed.stop() }
        let vxlan = try TestClient(binding: Self.address(78, backend, host: 2, port: 4789))
        try vxlan.send(Array("no".utf8), to: listed.localAddress)
        try seven.send(Array("yes".utf8), to: listed.localAddress)
        #expect(try seven.expectDatagram() == Array("yes".utf8))
        try waitUntil("the datagram from 4789 is counted") { listed.counters.policyDrops.value == 1 }
        #expect(try vxlan.receive(timeout: .milliseconds(50)) == nil)
    }

    @Test(
        "Two engines, one on port 7, given one forged datagram between them, exchange nothing further",
        .enabled(if: isRoot && ForgedDatagram.isPermitted, "needs root: an engine on port 7 and a raw socket"),
        arguments: Backend.allCases
    )
    func enginesDoNotLoop(backend: Backend) throws {
        let a = try Engine.start(EngineSpec(backend: backend, bind: .init(loopbackPort: 0)))
        defer { a.stop() }
        let b = try Engine.start(EngineSpec(backend: backend, bind: Self.address(79, backend, host: 1, port: 7)))
        defer { b.stop() }
        // "From" B to A, as a spoofer starting an echo loop would send it.
        try ForgedDatagram.Sender().send(Array("ping-pong".utf8), from: b.localAddress, to: a.localAddress)

        // Each engine handles its datagrams in order: once A has echoed a probe sent after the
        // forged datagram, A has handled that one too (and sent B its echo, if it was going to);
        // once B has echoed a probe sent after that, B has handled whatever A sent it.
        let client = try TestClient()
        try client.send(Array("probe a".utf8), to: a.localAddress)
        #expect(try client.expectDatagram() == Array("probe a".utf8))
        try client.send(Array("probe b".utf8), to: b.localAddress)
        #expect(try client.expectDatagram() == Array("probe b".utf8))
        #expect(b.counterSnapshot().rxDatagrams == 1, "only the probe: A sent B nothing")
        // A counts an echo once its send returns, which may be after the client has it.
        try waitUntil("A counts the probe's echo") { a.counters.txDatagrams.value >= 1 }
        #expect(a.counterSnapshot().txDatagrams == 1, "only the probe's echo")
        try waitUntil("A counts the forged datagram") { a.counters.policyDrops.value == 1 }
        #expect(a.counterSnapshot().rxDatagrams == 2, "the forged datagram and the probe")
        #expect(b.counterSnapshot().policyDrops == 0)
    }
}

/// ``SourcePortList``'s syntax, and what it resolves to.
@Suite("Source port list")
struct SourcePortListTests {
    @Test("default, none, lists, ranges and default within a list")
    func parses() throws {
        #expect(try SourcePortList(parsing: "default") == .default)
        #expect(try SourcePortList(parsing: "none").ports.isEmpty)
        #expect(try SourcePortList(parsing: "7, 19,7").ports == [7, 19])
        #expect(try SourcePortList(parsing: "9000-9002").ports == [9000, 9001, 9002])
        let extended = try SourcePortList(parsing: "default,4789")
        #expect(extended.ports == (SourcePortList.defaultPorts + [4789]).sorted())
        #expect(extended.description == "default,4789")
        for port: UInt16 in [0, 7, 13, 17, 19, 37, 53, 123, 137, 161, 389, 1900, 3702, 5353, 11211] {
            #expect(SourcePortList.default.ports.contains(port), "\(port)")
        }
        #expect(!SourcePortList.default.ports.contains(9), "discard answers nothing")
    }

    @Test("Bad lists are refused with a reason", arguments: ["", "70000", "none,7", "9-1", "seven", "1-"])
    func refuses(text: String) {
        #expect(throws: SourcePortList.ParseError.self) { try SourcePortList(parsing: text) }
    }

    @Test("The option takes the list from every front end and reads it back; an engine keeps it")
    func option() throws {
        var spec = EngineSpec()
        try spec.set(.denySourcePorts, to: .text("default,4789"))
        #expect(spec.denySourcePorts?.ports.contains(4789) == true)
        #expect(EngineOption.denySourcePorts.value(in: spec) == .text("default,4789"))
        #expect(EngineOption.denySourcePorts.value(in: EngineSpec()) == nil)
        #expect(throws: (any Error).self) { try spec.set(.denySourcePorts, to: .text("x")) }
        let data = try JSONEncoder().encode(spec)
        #expect(try JSONDecoder().decode(EngineSpec.self, from: data) == spec)
    }
}
