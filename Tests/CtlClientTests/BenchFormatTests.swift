import Foundation
import Testing
import UDPLabOS

@testable import CtlClient

/// The request layouts and the reports, without a network.
@Suite("Bench formats")
struct BenchFormatTests {
    /// `format`'s request for sequence 0x0102 and timestamp 0x0A0B, `size` bytes long.
    private func request(_ format: PayloadFormat, size: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        bytes.withUnsafeMutableBytes { format.writeRequest(sequence: 0x0102, timestamp: 0x0A0B, into: $0) }
        return bytes
    }

    @Test("a plain request is sequence number then timestamp, big-endian")
    func plainLayout() {
        let bytes = request(.plain, size: 16)
        #expect(bytes == [0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0x0A, 0x0B])
        #expect(bytes.withUnsafeBytes { PayloadFormat.plain.sequence(ofReply: $0) } == 0x0102)
    }

    @Test("a sockperf request has sockperf's header, CLIENT|PONG_REQUEST in byte 9, then our fields")
    func sockperfLayout() {
        let bytes = request(.sockperf, size: 64)
        #expect(Array(bytes[0..<8]) == [0, 0, 0, 0, 0, 0, 1, 2])
        #expect(bytes[8] == 0)
        #expect(bytes[9] == 0x03)
        #expect(Array(bytes[10..<14]) == [0, 0, 0, 64])
        #expect(Array(bytes[14..<22]) == [0, 0, 0, 0, 0, 0, 1, 2])
        #expect(Array(bytes[22..<30]) == [0, 0, 0, 0, 0, 0, 0x0A, 0x0B])
        #expect(bytes[30...].allSatisfy { $0 == 0 })
    }

    @Test("a sockperf reply is accepted with CLIENT cleared, rejected when its header does not match")
    func sockperfReplies() {
        let sent = request(.sockperf, size: 40)
        func sequence(_ change: (inout [UInt8]) -> Void) -> UInt64? {
            var reply = sent
            change(&reply)
            return reply.withUnsafeBytes { PayloadFormat.sockperf.sequence(ofReply: $0) }
        }
        #expect(sequence { _ in } == 0x0102)
        #expect(sequence { $0[9] = 0x02 } == 0x0102)
        #expect(sequence { $0[9] = 0x01 } == nil)
        #expect(sequence { $0[7] = 9 } == nil)
        #expect(sequence { $0[13] = 41 } == nil)
        #expect(sequence { $0.removeLast(11) } == nil)
    }

    @Test("a plain reply whose byte 9 was flipped (udplab's --reply sockperf) keeps its sequence number")
    func plainReplyWithFlippedBit() {
        var reply = request(.plain, size: 64)
        reply[9] ^= PayloadFormat.clientFlag
        #expect(reply.withUnsafeBytes { PayloadFormat.plain.sequence(ofReply: $0) } == 0x0102)
    }

    /// A finished window run with some of everything.
    private func result(latency: LatencySummary?) throws -> BenchResult {
        BenchResult(
            configuration: try BenchConfiguration(
                target: SocketAddress(parsing: "127.0.0.1:2000"),
                mode: .window(outstanding: 8),
                duration: .seconds(2)
            ),
            sent: 1000,
            received: 990,
            lost: 10,
            late: 2,
            duplicates: 0,
            invalid: 0,
            unsent: 0,
            errors: 0,
            latency: latency
        )
    }

    @Test("--json is one object with snake_case keys, µs percentiles, null without replies")
    func json() throws {
        let latency = LatencySummary(p50: 30_000, p90: 40_500, p99: 1_000_000, p99_9: 1_000_000, max: 1_000_000)
        let full = try result(latency: latency)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(BenchView.json(full).utf8)) as? [String: Any]
        )
        #expect(
            Set(object.keys) == [
                "target", "mode", "window", "payload", "size", "sockets", "threads", "flows", "gso", "duration_seconds",
                "warmup_seconds",
                "reply_timeout_seconds", "sent", "received", "lost", "loss_percent", "late", "duplicates", "invalid",
                "unsent", "errors", "echoes_per_second", "rtt_p50_us", "rtt_p90_us", "rtt_p99_us", "rtt_p99_9_us",
                "rtt_max_us",
            ]
        )
        #expect(object["mode"] as? String == "window")
        #expect(object["window"] as? Int == 8)
        #expect(object["loss_percent"] as? Double == 1)
        #expect(object["echoes_per_second"] as? Double == 495)
        #expect(object["rtt_p50_us"] as? Double == 30)
        #expect(object["rtt_p90_us"] as? Double == 40.5)
        let empty = try JSONSerialization.jsonObject(with: Data(BenchView.json(result(latency: nil)).utf8))
        #expect((empty as? [String: Any])?["rtt_p99_us"] is NSNull)
    }

    @Test("the text report shows exceptional counts only when there are any")
    func text() throws {
        let text = BenchView.text(try result(latency: nil))
        #expect(
            text.hasPrefix(
                "bench 127.0.0.1:2000: window 8, 64-byte plain requests from 1 socket, 2s recorded after 1s of warm-up\n"
            )
        )
        #expect(text.contains("\nlost:     10 (1%)\n"))
        #expect(text.contains("\nlate:     2 (replies after the reply timeout)\n"))
        #expect(!text.contains("duplicates"))
        #expect(text.contains("\nechoes/s: 495\n"))
        #expect(text.hasSuffix("\nRTT µs:   -"))
    }

    @Test("the progress line shows the warm-up, then a bar")
    func progressLine() {
        let warming = BenchProgress(
            elapsed: .milliseconds(400),
            warmup: .seconds(1),
            duration: .seconds(5),
            sent: 0,
            received: 0,
            lost: 0
        )
        #expect(ProgressLine.text(warming) == "warming up 0.4s/1.0s")
        let running = BenchProgress(
            elapsed: .milliseconds(3500),
            warmup: .seconds(1),
            duration: .seconds(5),
            sent: 20,
            received: 19,
            lost: 1
        )
        #expect(ProgressLine.text(running) == "[############............] 2.5s/5.0s  sent 20  received 19  lost 1")
    }
}
