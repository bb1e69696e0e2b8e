import Glibc
import Testing

@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// Issue 14, items 1 and 4 on loopback, where 127.0.0.2 and 127.0.0.3 are the host's as much as
/// 127.0.0.1 is: an engine on `0.0.0.0` answers a request to 127.0.0.2 from 127.0.0.2 (without
/// `IP_PKTINFO` the route to the client, 127.0.0.1, gives the reply source 127.0.0.1), and with
/// `--reflect-tos` each echo carries its request's DSCP and ECN. The same across two namespaces,
/// for IPv6 and dual-stack: `Tests/DaemonTests/ReplySourceNetnsTests.swift`.
@Suite("Replies from the address asked, and the request's traffic class")
struct ReplySourceTests {
    /// Every backend that serves a wildcard bind (the SwiftNIO ones refuse it).
    static let wildcardBackends = Backend.allCases.filter { $0.traits.refusesWildcardBind == nil }

    /// DSCP EF (46) and ECN ECT(0): 46 << 2 | 0b10.
    static let efWithECT0: UInt8 = 0xBA

    @Test("An engine on 0.0.0.0 replies from each address the client asked", arguments: wildcardBackends)
    func repliesFromAddressAsked(backend: Backend) throws {
        let engine = try Engine.start(EngineSpec(backend: backend, bind: try SocketAddress(parsing: "0.0.0.0:0")))
        defer { engine.stop() }
        let port = engine.localAddress.port
        let client = try TestClient()
        for host in ["127.0.0.2", "127.0.0.3", "127.0.0.1"] {
            let asked = try SocketAddress(parsing: "\(host):\(port)")
            try client.send(Array("to \(host)".utf8), to: asked)
            guard let (reply, source) = try client.receive() else { throw TestFailure("no echo from \(host)") }
            #expect(reply == Array("to \(host)".utf8))
            #expect(source == asked, "asked \(asked), the reply came from \(source)")
        }
        // Counted once the send returns, which may be after the client has the echo.
        try waitUntil("3 pktinfo replies, not \(engine.counters.pktinfoReplies.value)") {
            engine.counters.pktinfoReplies.value == 3
        }
    }

    @Test("A specific bind keeps the fast path: no packet info, no pktinfo replies", arguments: Backend.allCases)
    func specificBindAsksForNothing(backend: Backend) throws {
        let engine = try Engine.start(.testEcho(backend))
        defer { engine.stop() }
        let client = try TestClient()
        try client.send(Array("plain".utf8), to: engine.localAddress)
        #expect(try client.expectDatagram() == Array("plain".utf8))
        #expect(engine.counters.pktinfoReplies.value == 0)
        #expect(EngineSpec.testEcho(backend).packetInfoOptions.isEmpty)
    }

    @Test("The SwiftNIO backends refuse a wildcard bind, saying why", arguments: [Backend.nio, .nioAsync])
    func nioRefusesWildcard(backend: Backend) throws {
        let spec = EngineSpec(backend: backend, bind: try SocketAddress(parsing: "0.0.0.0:0"))
        #expect {
            try spec.validate()
        } throws: { error in
            guard case EngineError.invalidSpec(let reason) = error else { return false }
            return reason.contains("--bind 0.0.0.0:0 does not apply to backend \(backend.rawValue)")
                && reason.contains("IP_PKTINFO")
        }
    }

    @Test(
        "--reflect-tos: a request with DSCP EF and ECT(0) gets both back, read with IP_RECVTOS",
        arguments: wildcardBackends
    )
    func reflectsTrafficClass(backend: Backend) throws {
        for bind in ["127.0.0.1:0", "0.0.0.0:0"] {
            let spec = EngineSpec(backend: backend, bind: try SocketAddress(parsing: bind), reflectTOS: true)
            let engine = try Engine.start(spec)
            defer { engine.stop() }
            let client = try UDPSocket(binding: try SocketAddress(parsing: "127.0.0.1:0"), packetInfo: .trafficClass)
            var marked = Int32(Self.efWithECT0)
            #expect(setsockopt(client.descriptor.rawValue, Int32(IPPROTO_IP), IP_TOS, &marked, 4) == 0)
            let reply = try Self.roundTrip(client, to: SocketAddress(loopbackPort: engine.localAddress.port))
            #expect(reply.packetInfo.trafficClass == Self.efWithECT0, "\(backend) on \(bind)")

            // Unmarked requests get unmarked echoes: the class is the request's, not a setting.
            var plain: Int32 = 0
            #expect(setsockopt(client.descriptor.rawValue, Int32(IPPROTO_IP), IP_TOS, &plain, 4) == 0)
            #expect(
                try Self.roundTrip(client, to: SocketAddress(loopbackPort: engine.localAddress.port)).packetInfo
                    .trafficClass == 0
            )
            try waitUntil("2 echoes with their traffic class, not \(engine.counters.tosReflected.value)") {
                engine.counters.tosReflected.value == 2
            }
        }
    }

    @Test(
        "--reflect-tos over IPv6: the traffic class comes back, read with IPV6_RECVTCLASS",
        arguments: wildcardBackends
    )
    func reflectsIPv6TrafficClass(backend: Backend) throws {
        let spec = EngineSpec(backend: backend, bind: try SocketAddress(parsing: "[::]:0"), reflectTOS: true)
        let engine = try Engine.start(spec)
        defer { engine.stop() }
        let client = try UDPSocket(binding: try SocketAddress(parsing: "[::1]:0"), packetInfo: .trafficClass)
        var marked = Int32(Self.efWithECT0)
        #expect(setsockopt(client.descriptor.rawValue, Int32(IPPROTO_IPV6), IPV6_TCLASS, &marked, 4) == 0)
        let reply = try Self.roundTrip(client, to: try SocketAddress(parsing: "[::1]:\(engine.localAddress.port)"))
        #expect(reply.packetInfo.trafficClass == Self.efWithECT0)
        #expect(reply.source.host == "::1")
    }

    @Test(
        "--reflect-tos is refused by the SwiftNIO backends, which carry only the ECN bits",
        arguments: [Backend.nio, .nioAsync]
    )
    func nioRefusesReflectTOS(backend: Backend) throws {
        let spec = EngineSpec(backend: backend, bind: SocketAddress(loopbackPort: 0), reflectTOS: true)
        #expect {
            try spec.validate()
        } throws: { error in
            guard case EngineError.invalidSpec(let reason) = error else { return false }
            return reason.contains("--reflect-tos does not apply to backend \(backend.rawValue)")
        }
    }

    /// Sends one datagram from `client` and waits up to 5 s for the echo.
    private static func roundTrip(_ client: borrowing UDPSocket, to address: SocketAddress) throws -> ReceivedDatagram {
        var buffer = [UInt8](repeating: 0, count: 64)
        _ = try Array("tos".utf8).withUnsafeBytes { try client.send($0, to: address) }
        var result: ReceivedDatagram?
        try waitUntil("the echo from \(address)") {
            let received = try buffer.withUnsafeMutableBytes { try client.receive(into: $0) }
            if case .processed(let datagram) = received { result = datagram }
            return result != nil
        }
        return result!
    }
}
