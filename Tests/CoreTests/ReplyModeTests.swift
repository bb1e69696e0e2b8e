import Testing

@testable import UDPLabCore

/// `--reply sockperf`: sockperf's client accepts only replies whose CLIENT flag (bit 0x01 of
/// byte 9) is clear; everything else in the datagram comes back as it was.
@Suite("Reply mode")
struct ReplyModeTests {
    @Test(
        "--reply sockperf flips exactly bit 0x01 of byte 9; shorter datagrams come back unchanged",
        arguments: [Backend.epollEdge, .select, .reactorLevel, .flipflop, .task, .taskMPSC, .mmsg, .uring, .nioAsync]
    )
    func clearsTheClientFlag(backend: Backend) throws {
        let spec = EngineSpec(backend: backend, bind: .init(loopbackPort: 0), reply: .sockperf)
        let engine = try Engine.start(spec)
        defer { engine.stop() }
        let client = try TestClient()

        for length in [14, 64, 1400] {
            let request = [UInt8](repeating: 0xFF, count: length)
            var expected = request
            expected[9] = 0xFE
            try client.send(request, to: engine.localAddress)
            #expect(try client.expectDatagram() == expected, "\(length) bytes")
        }
        let short = [UInt8](repeating: 0xFF, count: 13)
        try client.send(short, to: engine.localAddress)
        #expect(try client.expectDatagram() == short, "shorter than sockperf's header: unchanged")

        let reply = [UInt8](0..<32).map { $0 == 9 ? 0x02 : $0 }
        try client.send(reply, to: engine.localAddress)
        #expect(try client.expectDatagram() == reply, "the flag already clear: unchanged")
    }

    @Test("A reply retried after a blocked send is cleared once, not toggled", arguments: [Backend.epollEdge, .mmsg])
    func retriedReplyIsTheSame(backend: Backend) throws {
        let gate = SendGate()
        let spec = EngineSpec(backend: backend, bind: .init(loopbackPort: 0), reply: .sockperf)
        let engine = try Engine.start(spec, sendGate: gate)
        defer { engine.stop() }
        let client = try TestClient()

        gate.close()
        let request = [UInt8](repeating: 0xFF, count: 20)
        try client.send(request, to: engine.localAddress)
        try waitUntil("the send was retried") { engine.counters.sendWouldBlock.value >= 2 }
        gate.open()
        var expected = request
        expected[9] = 0xFE
        #expect(try client.expectDatagram() == expected)
    }

    @Test("--reply applies to echo engines only")
    func rejectsReplyOnOtherKinds() {
        let spec = EngineSpec(kind: .notify, reply: .sockperf)
        #expect(throws: EngineError.invalidSpec("--reply does not apply to kind notify: it is for echo engines")) {
            try spec.validate()
        }
    }
}
