import Foundation
import Glibc
import Testing

@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// The real sockperf client (3.x) against `--reply sockperf`: it must see what it sees against
/// `sockperf server`: no duplicated or out-of-order replies, one reply per pong request, none
/// for `throughput`. Skipped, saying so, where sockperf is not installed (`make test` installs it).
@Suite(
    "sockperf's client",
    .enabled(if: SockperfClient.path != nil, "sockperf is not installed: apt-get install sockperf")
)
struct SockperfClientTests {
    /// One backend per place the reply is made: EchoPath one at a time, in batches, task-mpsc's
    /// reader, uring, and the two NIO handlers.
    static let backends: [Backend] = [.reactorEdge, .mmsg, .taskMPSC, .uring, .nio, .nioAsync]

    @Test("ping-pong: every request answered once, nothing duplicated", arguments: backends)
    func pingPong(backend: Backend) throws {
        let engine = try Engine.start(EngineSpec(backend: backend, bind: .init(loopbackPort: 0), reply: .sockperf))
        defer { engine.stop() }
        let run = try SockperfClient.run(["ping-pong", "-m", "64"], against: engine.localAddress)
        #expect(run.duplicated == 0, "\(run.output)")
        #expect(run.outOfOrder == 0, "\(run.output)")
        #expect(run.received > 0, "\(run.output)")
        let counters = engine.counterSnapshot()
        #expect(counters.txDatagrams <= counters.rxDatagrams)
        #expect(counters.txDatagrams >= run.received)
    }

    @Test("under-load: one reply per --reply-every, nothing duplicated", arguments: backends)
    func underLoad(backend: Backend) throws {
        let engine = try Engine.start(EngineSpec(backend: backend, bind: .init(loopbackPort: 0), reply: .sockperf))
        defer { engine.stop() }
        let run = try SockperfClient.run(
            ["under-load", "-m", "64", "--mps", "5000", "--reply-every", "50"],
            against: engine.localAddress
        )
        #expect(run.duplicated == 0, "\(run.output)")
        #expect(run.outOfOrder == 0, "\(run.output)")
        #expect(run.received > 0, "\(run.output)")
        try waitUntil("every datagram is answered or counted") {
            let counters = engine.counterSnapshot()
            return counters.rxDatagrams == counters.txDatagrams + counters.unanswered
        }
        let counters = engine.counterSnapshot()
        #expect(counters.txDatagrams <= counters.rxDatagrams / 50 + 1, "one reply in 50 datagrams")
        #expect(counters.dropped == 0)
    }

    @Test("throughput: no reply at all", arguments: backends)
    func throughput(backend: Backend) throws {
        let engine = try Engine.start(EngineSpec(backend: backend, bind: .init(loopbackPort: 0), reply: .sockperf))
        defer { engine.stop() }
        let run = try SockperfClient.run(["throughput", "-m", "64", "--mps", "5000"], against: engine.localAddress)
        #expect(run.sent > 0, "\(run.output)")
        try waitUntil("the engine has counted what it received") {
            engine.counters.unanswered.value > 0
                && engine.counters.unanswered.value == engine.counters.rxDatagrams.value
        }
        #expect(engine.counters.txDatagrams.value == 0)
        #expect(engine.counters.dropped.value == 0)
    }
}

/// Runs sockperf's client for one second and reads its summary.
enum SockperfClient {
    /// sockperf's path, or `nil` when it is not installed.
    static let path: String? = ["/usr/bin/sockperf", "/usr/local/bin/sockperf"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// What one run reported.
    struct Run {
        let output: String
        /// Counts the client printed; -1 where it printed none.
        let sent: Int
        let received: Int
        let duplicated: Int
        let outOfOrder: Int
    }

    /// Runs `sockperf ARGUMENTS -i HOST -p PORT -t 1`, killed if it has not ended after 30 s.
    static func run(_ arguments: [String], against address: SocketAddress) throws -> Run {
        guard let path else { throw TestFailure("sockperf is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments + ["-i", address.host, "-p", String(address.port), "-t", "1"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try withSignalsUnblocked { try process.run() }
        let watchdog = DispatchWorkItem { process.terminate() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: watchdog)
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw TestFailure("sockperf \(arguments.joined(separator: " ")) failed: \(output)")
        }
        return Run(
            output: output,
            sent: number(after: "SentMessages=", in: output) ?? number(after: "Total of ", in: output) ?? 0,
            received: number(after: "ReceivedMessages=", in: output) ?? 0,
            duplicated: number(after: "# duplicated messages = ", in: output) ?? -1,
            outOfOrder: number(after: "# out-of-order messages = ", in: output) ?? -1
        )
    }

    /// Runs `body` with this thread's signal mask empty, so that a process it spawns starts with
    /// none blocked: the test runner's threads block signals, a child inherits its spawner's mask,
    /// and sockperf ends its run on SIGALRM (with it blocked, it never stops).
    private static func withSignalsUnblocked<T>(_ body: () throws -> T) rethrows -> T {
        var empty = sigset_t()
        var saved = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        return try body()
    }

    /// The decimal number right after `marker` in `text`.
    private static func number(after marker: String, in text: String) -> Int? {
        guard let range = text.range(of: marker) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}
