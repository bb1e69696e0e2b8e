import Foundation
import Testing

@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// `--reply sockperf` answers as `sockperf server` (3.x) does: only a client's message that asks
/// for a pong (CLIENT and PONG_REQUEST set, WARMUP clear, one whole message), with its CLIENT
/// flag cleared and every other byte as it came; anything else gets no reply and is counted in
/// `unanswered`.
@Suite("Reply mode")
struct ReplyModeTests {
    /// The backends that drop when their queue is full (as ``QueueTests/queueBackends``).
    static let droppingBackends = Backend.udplabLoops.filter { ![.flipflop, .taskMPSC, .uring, .gso].contains($0) }

    @Test(
        "--reply sockperf answers pong requests only, with CLIENT cleared, and counts the rest",
        arguments: Backend.allCases
    )
    func answersPongRequestsOnly(backend: Backend) throws {
        let engine = try Engine.start(EngineSpec(backend: backend, bind: .init(loopbackPort: 0), reply: .sockperf))
        defer { engine.stop() }
        let client = try TestClient()

        let unanswered = SockperfMessage.unanswered(sequence: 7)
        for (_, datagram) in unanswered {
            try client.send(datagram, to: engine.localAddress)
        }
        for length in [14, 64, 1400] {
            let request = SockperfMessage.make(sequence: UInt64(length), flags: 0x03, length: length)
            var expected = request
            expected[9] = 0x02
            try client.send(request, to: engine.localAddress)
            // Replies come in order: the first datagram back answers the first request answered.
            #expect(try client.expectDatagram() == expected, "\(length) bytes")
        }
        try waitUntil("every datagram is counted") {
            engine.counters.unanswered.value == UInt64(unanswered.count) && engine.counters.txDatagrams.value == 3
        }
        #expect(try client.receive(timeout: .milliseconds(50)) == nil, "nothing else comes back")
        let counters = engine.counterSnapshot()
        #expect(counters.rxDatagrams == UInt64(unanswered.count + 3))
        #expect(counters.dropped == 0)
        #expect(counters.errors == 0)
    }

    @Test(
        "A burst mixing requests and non-requests, queued before the loop looks, is answered in order",
        arguments: Backend.allCases
    )
    func burstKeepsOrder(backend: Backend) throws {
        let released = DispatchSemaphore(value: 0)
        // Room for the whole burst, so that nothing is dropped (flipflop, nio and gso have no --queue).
        let queue = [.flipflop, .nio, .gso].contains(backend) ? nil : 64
        let spec = EngineSpec(backend: backend, bind: .init(loopbackPort: 0), queue: queue, reply: .sockperf)
        let engine = try Engine.start(spec, beforeLoop: { released.wait() })
        defer { engine.stop() }
        let client = try TestClient()
        // Every third one asks for a reply, as `sockperf under-load --reply-every 3` would.
        let messages = (0..<60).map { index in
            SockperfMessage.make(sequence: UInt64(index), flags: index % 3 == 0 ? 0x03 : 0x01, length: 40)
        }
        for message in messages {
            try client.send(message, to: engine.localAddress)
        }
        released.signal()

        for index in stride(from: 0, to: 60, by: 3) {
            var expected = messages[index]
            expected[9] = 0x02
            #expect(try client.expectDatagram() == expected, "the reply to message \(index)")
        }
        try waitUntil("all 60 are counted") {
            engine.counters.txDatagrams.value + engine.counters.unanswered.value == 60
        }
        #expect(engine.counters.unanswered.value == 40)
        #expect(engine.counters.dropped.value == 0)
    }

    @Test("With the queue full, a datagram that gets no reply is unanswered, not dropped", arguments: droppingBackends)
    func unansweredIsNotDropped(backend: Backend) throws {
        let gate = SendGate()
        let spec = EngineSpec(backend: backend, bind: .init(loopbackPort: 0), queue: 1, reply: .sockperf)
        let engine = try Engine.start(spec, sendGate: gate)
        defer { engine.stop() }
        let client = try TestClient()

        gate.close()
        let queued = SockperfMessage.make(sequence: 1, flags: 0x03, length: 20)
        try client.send(queued, to: engine.localAddress)
        try client.send(SockperfMessage.make(sequence: 2, flags: 0x01, length: 20), to: engine.localAddress)
        try client.send(SockperfMessage.make(sequence: 3, flags: 0x03, length: 20), to: engine.localAddress)
        try waitUntil("all 3 are received") { engine.counters.rxDatagrams.value == 3 }
        #expect(engine.counters.unanswered.value == 1)
        #expect(engine.counters.dropped.value == 1)
        gate.open()
        var expected = queued
        expected[9] = 0x02
        #expect(try client.expectDatagram() == expected)
    }

    @Test("A reply retried after a blocked send is cleared once, not toggled", arguments: [Backend.epollEdge, .mmsg])
    func retriedReplyIsTheSame(backend: Backend) throws {
        let gate = SendGate()
        let spec = EngineSpec(backend: backend, bind: .init(loopbackPort: 0), reply: .sockperf)
        let engine = try Engine.start(spec, sendGate: gate)
        defer { engine.stop() }
        let client = try TestClient()

        gate.close()
        let request = SockperfMessage.make(sequence: 9, flags: 0x03, length: 20)
        try client.send(request, to: engine.localAddress)
        try waitUntil("the send was retried") { engine.counters.sendWouldBlock.value >= 2 }
        gate.open()
        var expected = request
        expected[9] = 0x02
        #expect(try client.expectDatagram() == expected)
    }

    @Test("--reply echo answers everything, sockperf-shaped or not, unchanged")
    func echoAnswersEverything() throws {
        let engine = try Engine.start(EngineSpec(backend: .reactorEdge, bind: .init(loopbackPort: 0)))
        defer { engine.stop() }
        let client = try TestClient()
        for (what, datagram) in SockperfMessage.unanswered(sequence: 3) {
            try client.send(datagram, to: engine.localAddress)
            #expect(try client.expectDatagram() == datagram, "\(what)")
        }
        #expect(engine.counters.unanswered.value == 0)
    }

    @Test("--reply applies to echo engines only")
    func rejectsReplyOnOtherKinds() {
        let spec = EngineSpec(kind: .notify, reply: .sockperf)
        #expect(throws: EngineError.invalidSpec("--reply does not apply to kind notify: it is for echo engines")) {
            try spec.validate()
        }
    }
}

/// sockperf's messages, as its client sends them: header (sequence number, flags, length, all
/// big-endian), then a payload.
enum SockperfMessage {
    /// A message of `count` bytes (default `length`) whose header says `flags` and `length`.
    static func make(sequence: UInt64, flags: UInt16, length: Int, count: Int? = nil) -> [UInt8] {
        var bytes = (0..<(count ?? length)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
        let header =
            withUnsafeBytes(of: sequence.bigEndian, Array.init) + withUnsafeBytes(of: flags.bigEndian, Array.init)
            + withUnsafeBytes(of: UInt32(truncatingIfNeeded: length).bigEndian, Array.init)
        for (offset, byte) in header.enumerated() where offset < bytes.count { bytes[offset] = byte }
        return bytes
    }

    /// Datagrams `sockperf server` does not answer, each with what it is.
    static func unanswered(sequence: UInt64) -> [(String, [UInt8])] {
        [
            (
                "no PONG_REQUEST (under-load between pongs, throughput)",
                make(sequence: sequence, flags: 0x01, length: 64)
            ),
            ("a warm-up message", make(sequence: sequence, flags: 0x07, length: 64)),
            ("a warm-up message without PONG_REQUEST", make(sequence: sequence, flags: 0x05, length: 64)),
            ("a server's reply (CLIENT clear)", make(sequence: sequence, flags: 0x02, length: 64)),
            ("shorter than the header", Array(make(sequence: sequence, flags: 0x03, length: 13))),
            ("a length field longer than the datagram", make(sequence: sequence, flags: 0x03, length: 65, count: 64)),
            ("a length field shorter than the datagram", make(sequence: sequence, flags: 0x03, length: 32, count: 64)),
        ]
    }
}
