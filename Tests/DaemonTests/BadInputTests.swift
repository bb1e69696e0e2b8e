import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

/// Bad input never disturbs another client or an engine: each case checks that an engine still
/// echoes and another client is answered within 2 s (a bound no blocked server meets: a stalled
/// client would hold it for the 60 s call deadline; not a latency measurement, which is
/// `make bench-control`'s job).
@Suite("Bad control input", .serialized)
final class BadInputTests {
    let daemon: DaemonHarness
    let engineAddress: SocketAddress

    init() throws {
        daemon = try DaemonHarness()
        try daemon.start()
        let reply = try daemon.connect().call(
            StartMethod.name,
            #"{"kind":"echo","bind":"127.0.0.1:0","transient":true}"#
        )
        let engine = try #require(reply.object["engine"] as? [String: Any])
        engineAddress = try SocketAddress(parsing: try #require(engine["address"] as? String))
    }

    /// Another client gets Status within 2 s, and the engine echoes.
    private func expectDaemonHealthy() throws {
        let other = try daemon.connect()
        let clock = ContinuousClock()
        var reply: VarlinkReply?
        let elapsed = try clock.measure { reply = try other.call(StatusMethod.name) }
        #expect(reply?.error == nil)
        #expect(elapsed < .seconds(2), "Status took \(elapsed)")

        let client = try UDPSocket(binding: .init(loopbackPort: 0))
        _ = try [UInt8(7)].withUnsafeBytes { try client.send($0, to: engineAddress) }
        var buffer = [UInt8](repeating: 0, count: 16)
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if case .processed(let datagram) = try buffer.withUnsafeMutableBytes({ try client.receive(into: $0) }) {
                #expect(datagram.byteCount == 1 && buffer[0] == 7)
                return
            }
            Thread.sleep(forTimeInterval: 0.001)
        }
        Issue.record("the engine stopped echoing")
    }

    @Test("A multisocket engine whose default 10 ports would pass 65535 is an InvalidSpec, not a crash")
    func multisocketPortOverflow() throws {
        let reply = try daemon.connect().call(
            StartMethod.name,
            #"{"kind":"multisocket","name":"high","bind":"127.0.0.1:65530","transient":true}"#
        )
        #expect(reply.error == "io.udplab.InvalidSpec")
        #expect((reply.object["reason"] as? String)?.contains("would pass port 65535") == true, "\(reply.object)")
        try expectDaemonHealthy()
    }

    @Test("Malformed JSON gets a ProtocolError reply; the connection stays usable")
    func malformedJSON() throws {
        let client = try daemon.connect()
        try client.write(Array("{\"method\": io.udplab.List".utf8) + [0])
        let reply = try client.readReply()
        #expect(reply.error == "io.udplab.ProtocolError")
        #expect(try client.call(ListMethod.name).error == nil)
        try expectDaemonHealthy()
    }

    @Test("A call that is not an object, or has no method, is a ProtocolError")
    func notACall() throws {
        let client = try daemon.connect()
        try client.send("[1,2,3]")
        #expect(try client.readReply().error == "io.udplab.ProtocolError")
        try client.send(#"{"parameters":{}}"#)
        #expect(try client.readReply().error == "io.udplab.ProtocolError")
        try expectDaemonHealthy()
    }

    @Test("A frame with no NUL is just unfinished: others are served meanwhile")
    func frameWithoutNUL() throws {
        let client = try daemon.connect()
        try client.write(Array(#"{"method":"io.udplab.List"}"#.utf8))
        try expectDaemonHealthy()
        // Finishing the frame later completes the call.
        try client.write([0])
        #expect(try client.readReply().error == nil)
    }

    @Test("A 1 MiB frame gets a ProtocolError and the connection is closed")
    func oversizedFrame() throws {
        let client = try daemon.connect()
        let huge =
            Array(#"{"method":"io.udplab.List","parameters":{"x":""#.utf8) + [UInt8](repeating: 0x61, count: 1 << 20)
        // The daemon stops reading after 64 KiB, so the write may fail part-way: that is fine.
        try? client.write(huge)
        let reply = try client.readReply()
        #expect(reply.error == "io.udplab.ProtocolError")
        #expect((reply.object["reason"] as? String)?.contains("65536") == true)
        #expect(try client.readFrame(timeout: .seconds(5)) == nil, "then the daemon closes the connection")
        try expectDaemonHealthy()
    }

    @Test("Wrong parameter types are InvalidParameter")
    func wrongTypes() throws {
        let client = try daemon.connect()
        #expect(try client.call(StartMethod.name, #"{"kind":7}"#).error == "org.varlink.service.InvalidParameter")
        #expect(try client.call(StopMethod.name, #"{"all":"yes"}"#).error == "org.varlink.service.InvalidParameter")
        try client.send(#"{"method":"io.udplab.List","parameters":[]}"#)
        #expect(try client.readReply().error == "org.varlink.service.InvalidParameter")
        try expectDaemonHealthy()
    }

    @Test("17 clients of one uid: the 17th gets LimitReached and is closed")
    func tooManyClientsOfOneUID() throws {
        var clients: [RawVarlinkClient] = []
        for _ in 0..<ControlProtocol.maximumClientsPerUID {
            let client = try daemon.connect()
            #expect(try client.call(StatusMethod.name).error == nil)
            clients.append(client)
        }
        let extra = try daemon.connect()
        let reply = try extra.readReply()
        #expect(reply.error == "io.udplab.LimitReached")
        #expect(reply.object["limit"] as? String == "clients per uid")
        #expect(reply.object["maximum"] as? Int == 16)
        #expect(try extra.readFrame(timeout: .seconds(5)) == nil)

        // Once one leaves, a new client is served again.
        clients.removeLast()
        #expect(try isServedAgain())
        // A closed connection counts until its thread reads the end of it: wait for that too.
        clients.removeAll()
        #expect(try isServedAgain())
        try expectDaemonHealthy()
    }

    /// Whether a new client gets Status within 5 s, trying again while it is refused.
    private func isServedAgain() throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let client = try daemon.connect()
            if (try? client.call(StatusMethod.name))?.error == nil { return true }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return false
    }

    @Test("A client that sends half a frame and stalls holds up nobody")
    func stalledClient() throws {
        let staller = try daemon.connect()
        try staller.write(Array(#"{"method":"io.udplab.Sta"#.utf8))
        try expectDaemonHealthy()
        try expectDaemonHealthy()
        _ = staller
    }
}
