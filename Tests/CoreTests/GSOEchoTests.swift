import Dispatch
import Foundation
import Glibc
import Testing

@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// Backend gso over loopback: `lo` never coalesces datagrams sent one by one, but hands a GSO
/// train (one `UDP_SEGMENT` send) whole to a `UDP_GRO` socket, so a test client that sends
/// trains exercises the engine's GRO path, and one that does not exercises its lone-datagram
/// path. The client's socket has no `UDP_GRO`, so it receives the echoed trains cut back into
/// datagrams, and sees each one's bytes and order.
@Suite("Backend gso")
struct GSOEchoTests {
    /// Trains of `segments` datagrams of `size` bytes, the last one `last` bytes (`size` when
    /// `nil`), each datagram distinct: its train and index, then a pattern.
    static func trains(count: Int, segments: Int, size: Int, last: Int? = nil) -> [[[UInt8]]] {
        (0..<count).map { train in
            (0..<segments).map { index in
                let length = index == segments - 1 ? (last ?? size) : size
                return (0..<length).map { offset in
                    switch offset {
                    case 0: UInt8(truncatingIfNeeded: train * segments + index)
                    case 1: UInt8(truncatingIfNeeded: index)
                    default: UInt8(truncatingIfNeeded: offset &* 31 &+ train)
                    }
                }
            }
        }
    }

    /// Sends `segments` as one train: one `sendmsg` with `UDP_SEGMENT` of the first one's size.
    static func sendTrain(_ segments: [[UInt8]], from client: TestClient, to address: SocketAddress) throws {
        let bytes = segments.flatMap { $0 }
        let result = try bytes.withUnsafeBytes {
            try client.socket.send($0, segmentSize: segments[0].count, to: address)
        }
        guard case .processed(let sent) = result, sent == bytes.count else {
            throw TestFailure("GSO send of \(bytes.count) bytes did not complete: \(result)")
        }
    }

    /// Receives `expected.count` datagrams and checks each one, in order.
    static func expectEchoes(_ expected: [[UInt8]], at client: TestClient) throws {
        for (index, datagram) in expected.enumerated() {
            let echo = try client.expectDatagram()
            #expect(
                echo == datagram,
                "datagram \(index) of \(expected.count): \(echo.count) bytes, \(datagram.count) sent"
            )
            if echo != datagram { return }
        }
        #expect(try client.receive(timeout: .milliseconds(50)) == nil, "no more than was sent")
    }

    static func start(_ reply: ReplyMode = .echo) throws -> Engine {
        try Engine.start(EngineSpec(backend: .gso, bind: .init(loopbackPort: 0), reply: reply))
    }

    @Test(
        "GSO trains come in as GRO buffers and go back as GSO sends, every datagram verbatim and in order",
        arguments: [(1, nil), (64, nil), (1472, nil), (1472, 100), (64, 1)] as [(Int, Int?)]
    )
    func trainsAreCoalescedAndEchoed(size: Int, last: Int?) throws {
        let engine = try Self.start()
        defer { engine.stop() }
        let client = try TestClient()
        let trains = Self.trains(count: 4, segments: 16, size: size, last: last)
        for train in trains {
            try Self.sendTrain(train, from: client, to: engine.localAddress)
        }
        let datagrams = trains.flatMap { $0 }
        try Self.expectEchoes(datagrams, at: client)

        try waitUntil("the loop waits") { engine.counters.isWaiting }
        let counters = engine.counterSnapshot()
        let bytes = UInt64(datagrams.reduce(0) { $0 + $1.count })
        #expect(counters.rxDatagrams == UInt64(datagrams.count))
        #expect(counters.txDatagrams == UInt64(datagrams.count))
        #expect(counters.rxBytes == bytes)
        #expect(counters.txBytes == bytes)
        // Each train arrives as one buffer and leaves as one send.
        #expect(counters.groBuffers == UInt64(trains.count))
        #expect(counters.groBuffers < counters.rxDatagrams)
        #expect(counters.gsoSends == UInt64(trains.count))
        #expect(counters.gsoFallbacks == 0)
        #expect(counters.dropped == 0 && counters.errors == 0 && counters.truncated == 0)
    }

    @Test("Datagrams sent one by one are echoed one by one, without GRO or GSO")
    func singleDatagramsAreEchoedOneByOne() throws {
        let engine = try Self.start()
        defer { engine.stop() }
        let client = try TestClient()
        let payloads = makePayloads(count: 50)
        for payload in payloads {
            try client.send(payload, to: engine.localAddress)
        }
        try Self.expectEchoes(payloads, at: client)

        try waitUntil("the loop waits") { engine.counters.isWaiting }
        let counters = engine.counterSnapshot()
        #expect(counters.rxDatagrams == 50 && counters.txDatagrams == 50)
        #expect(counters.groBuffers == 0)
        #expect(counters.gsoSends == 0)
        #expect(counters.gsoFallbacks == 0)
    }

    @Test("An empty datagram is echoed as an empty datagram")
    func emptyDatagram() throws {
        let engine = try Self.start()
        defer { engine.stop() }
        let client = try TestClient()
        try client.send([], to: engine.localAddress)
        #expect(try client.expectDatagram() == [])
        try waitUntil("it is counted as sent") { engine.counters.txDatagrams.value == 1 }
    }

    /// A sockperf message of `length` bytes: sequence number, flags, length (big-endian).
    static func sockperfMessage(sequence: UInt64, flags: UInt16, length: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0xEE, count: length)
        withUnsafeBytes(of: sequence.bigEndian) { bytes.replaceSubrange(0..<8, with: $0) }
        withUnsafeBytes(of: flags.bigEndian) { bytes.replaceSubrange(8..<10, with: $0) }
        withUnsafeBytes(of: UInt32(length).bigEndian) { bytes.replaceSubrange(10..<14, with: $0) }
        return bytes
    }

    @Test("--reply sockperf answers per segment: the answered ones of a train go back, in order, as one send")
    func sockperfPerSegment() throws {
        let engine = try Self.start(.sockperf)
        defer { engine.stop() }
        let client = try TestClient()
        // 0x03: CLIENT and PONG_REQUEST (answered); 0x01: CLIENT only (not answered). The short
        // last segment is answered after one that is not, so it moves up.
        let flags: [UInt16] = [0x03, 0x01, 0x03, 0x03, 0x01, 0x01, 0x03, 0x01, 0x03]
        let train = flags.enumerated().map { index, flag in
            Self.sockperfMessage(sequence: UInt64(index), flags: flag, length: index == flags.count - 1 ? 40 : 64)
        }
        try Self.sendTrain(train, from: client, to: engine.localAddress)
        let replies = zip(train, flags).filter { $0.1 == 0x03 }.map { message, _ in
            var reply = message
            reply[9] = 0x02
            return reply
        }
        try Self.expectEchoes(replies, at: client)

        try waitUntil("the loop waits") { engine.counters.isWaiting }
        let counters = engine.counterSnapshot()
        #expect(counters.rxDatagrams == UInt64(train.count))
        #expect(counters.unanswered == UInt64(train.count - replies.count))
        #expect(counters.txDatagrams == UInt64(replies.count))
        #expect(counters.groBuffers == 1)
        #expect(counters.gsoSends == 1)
    }

    @Test("--reply sockperf: a train none of whose segments is answered sends nothing")
    func sockperfNothingAnswered() throws {
        let engine = try Self.start(.sockperf)
        defer { engine.stop() }
        let client = try TestClient()
        let train = (0..<8).map { Self.sockperfMessage(sequence: UInt64($0), flags: 0x01, length: 64) }
        try Self.sendTrain(train, from: client, to: engine.localAddress)
        try waitUntil("all 8 are counted unanswered") { engine.counters.unanswered.value == 8 }
        #expect(try client.receive(timeout: .milliseconds(50)) == nil)
        #expect(engine.counters.txDatagrams.value == 0)
        #expect(engine.counters.gsoSends.value == 0)
    }

    @Test("Where the kernel refuses GSO (SO_NO_CHECK: EINVAL), trains go back datagram by datagram, and stay so")
    func refusedSegmentationFallsBack() throws {
        let engine = try Self.start()
        defer { engine.stop() }
        try Self.disableChecksums(of: engine.localAddress)
        let client = try TestClient()
        let trains = Self.trains(count: 3, segments: 10, size: 200, last: 7)
        for train in trains {
            try Self.sendTrain(train, from: client, to: engine.localAddress)
            try Self.expectEchoes(train, at: client)
        }

        try waitUntil("the loop waits") { engine.counters.isWaiting }
        let counters = engine.counterSnapshot()
        #expect(counters.groBuffers == 3)
        #expect(counters.gsoSends == 0)
        // The refused train and both after it.
        #expect(counters.gsoFallbacks == 3)
        #expect(counters.txDatagrams == 30)
        #expect(counters.errors == 0, "a refused GSO send loses nothing")
    }

    @Test("The backend is available on this kernel, and udplabctl backends says so")
    func available() {
        #expect(Backend.gso.unavailableReason == nil)
    }

    /// Sets `SO_NO_CHECK` on this process's UDP socket bound to `address` (the engine's): the
    /// kernel then refuses every `UDP_SEGMENT` send on it with `EINVAL` (`udp_send_skb`), a real
    /// refusal, as a device without checksum offload gives `EIO`.
    static func disableChecksums(of address: SocketAddress) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            guard let descriptor = Int32(name) else { continue }
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let found = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            guard found == 0, let bound = SocketAddress(storage), bound == address else { continue }
            var type: Int32 = 0
            var typeLength = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(descriptor, SOL_SOCKET, SO_TYPE, &type, &typeLength) == 0,
                type == Int32(SOCK_DGRAM.rawValue)
            else { continue }
            var on: Int32 = 1
            guard setsockopt(descriptor, SOL_SOCKET, SO_NO_CHECK, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
                throw TestFailure("setsockopt(SO_NO_CHECK): errno \(errno)")
            }
            return
        }
        throw TestFailure("no socket bound to \(address)")
    }
}

/// Backend gso keeps `--buffer`'s meaning, and blocked replies keep the rest waiting in the kernel.
@Suite("Backend gso: --buffer and blocked sends")
struct GSOBufferTests {
    @Test("--buffer 100 cuts each datagram of a train at 100 bytes, counted truncated, and the train stays one send")
    func bufferCutsEachSegment() throws {
        let engine = try Engine.start(EngineSpec(backend: .gso, bind: .init(loopbackPort: 0), buffer: 100))
        defer { engine.stop() }
        let client = try TestClient()
        let train = GSOEchoTests.trains(count: 1, segments: 8, size: 300, last: 60)[0]
        try GSOEchoTests.sendTrain(train, from: client, to: engine.localAddress)
        try GSOEchoTests.expectEchoes(train.map { Array($0.prefix(100)) }, at: client)

        try waitUntil("the loop waits") { engine.counters.isWaiting }
        let counters = engine.counterSnapshot()
        #expect(counters.truncated == 7)
        #expect(counters.rxBytes == 7 * 100 + 60)
        #expect(counters.txBytes == 7 * 100 + 60)
        #expect(counters.gsoSends == 1)
    }

    @Test("While sends would block nothing more is received or dropped; then every datagram goes back, in order")
    func blockedSendsWaitInTheKernel() throws {
        let gate = SendGate()
        // The loop starts once all five trains are queued, so that its first receive finds them
        // (had it woken at the first, it would have held one train when its send blocked).
        let released = DispatchSemaphore(value: 0)
        let engine = try Engine.start(
            EngineSpec(backend: .gso, bind: .init(loopbackPort: 0), batch: 2),
            sendGate: gate,
            beforeLoop: { released.wait() }
        )
        defer { engine.stop() }
        let client = try TestClient()
        gate.close()
        let trains = GSOEchoTests.trains(count: 5, segments: 4, size: 50)
        for train in trains {
            try GSOEchoTests.sendTrain(train, from: client, to: engine.localAddress)
        }
        released.signal()
        try waitUntil("a send would block") { engine.counters.sendWouldBlock.value > 0 }
        // One batch of two buffers holds 8 datagrams; the other 12 wait in the kernel.
        #expect(engine.counters.rxDatagrams.value == 8)
        gate.open()
        try GSOEchoTests.expectEchoes(trains.flatMap { $0 }, at: client)
        #expect(engine.counters.dropped.value == 0)
        #expect(engine.counters.gsoSends.value == 5)
    }
}

/// What a datagram costs on gso: a train shares its wakeup and its syscalls.
@Suite("Backend gso: cost")
struct GSOCostTests {
    @Test(
        "A lone datagram and a train of N both cost 1 wakeup and 3 syscalls (wait, recvmmsg, sendmmsg)",
        arguments: [1, 16, 128]
    )
    func trainSharesTheCost(segments: Int) throws {
        let engine = try GSOEchoTests.start()
        defer { engine.stop() }
        let client = try TestClient()
        try waitUntil("the loop waits") { engine.counters.isWaiting }
        let before = engine.counterSnapshot()
        let train = GSOEchoTests.trains(count: 1, segments: segments, size: 8)[0]
        if segments == 1 {
            try client.send(train[0], to: engine.localAddress)
        } else {
            try GSOEchoTests.sendTrain(train, from: client, to: engine.localAddress)
        }
        try GSOEchoTests.expectEchoes(train, at: client)
        try waitUntil("the loop waits again") {
            engine.counters.isWaiting && engine.counters.txDatagrams.value == UInt64(segments)
        }
        let after = engine.counterSnapshot()
        #expect(after.wakeups - before.wakeups == 1)
        #expect(after.syscalls - before.syscalls == 3)
        #expect(after.gsoSends - before.gsoSends == (segments > 1 ? 1 : 0))
        #expect(after.groBuffers - before.groBuffers == (segments > 1 ? 1 : 0))
    }
}
