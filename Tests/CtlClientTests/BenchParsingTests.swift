import ArgumentParser
import Testing
import UDPLabOS

@testable import CtlClient

/// `udplabctl bench` command lines: what is accepted, and the message for what is not.
@Suite("Bench options")
struct BenchParsingTests {
    /// Parses `bench` with `arguments`.
    private func parse(_ arguments: [String]) throws -> BenchCommand {
        let command = try UdplabCtl.parseAsRoot(["bench"] + arguments)
        return try #require(command as? BenchCommand)
    }

    @Test("defaults: pingpong, 64 plain bytes, 5s after 1s of warm-up, one socket")
    func defaults() throws {
        let configuration = try parse(["127.0.0.1:2000"]).benchConfiguration
        #expect(configuration == (try BenchConfiguration(target: SocketAddress(parsing: "127.0.0.1:2000"))))
        #expect(configuration.mode == .pingpong)
        #expect(configuration.size == 64)
        #expect(configuration.duration == .seconds(5))
        #expect(configuration.warmup == .seconds(1))
        #expect(configuration.sockets == 1)
        #expect(configuration.payload == .plain)
        #expect(try parse(["127.0.0.1:2000", "--mode", "window"]).benchConfiguration.mode == .window(outstanding: 32))
        #expect(try parse(["127.0.0.1:2000", "--mode", "rate"]).benchConfiguration.mode == .rate(perSecond: 10_000))
    }

    @Test("every option reaches the configuration; --socket and --timeout are accepted and ignored")
    func everyOption() throws {
        let command = try parse(
            [
                "[::1]:7", "--mode", "rate", "--rate", "500", "--payload", "sockperf", "--size", "30", "--duration",
                "2s", "--warmup", "0", "--sockets", "4", "--reply-timeout", "20ms", "--json", "--socket", "/nowhere",
                "--timeout", "1s",
            ]
        )
        #expect(
            try command.benchConfiguration
                == BenchConfiguration(
                    target: SocketAddress(parsing: "[::1]:7"),
                    mode: .rate(perSecond: 500),
                    payload: .sockperf,
                    size: 30,
                    duration: .seconds(2),
                    warmup: .zero,
                    sockets: 4,
                    replyTimeout: .milliseconds(20)
                )
        )
        #expect(command.options.json)
        #expect(
            try parse(["127.0.0.1:2000", "--mode", "window", "--window", "1"]).benchConfiguration.mode
                == .window(outstanding: 1)
        )
    }

    @Test(
        "bad options are usage errors that say what is wrong",
        arguments: [
            (["127.0.0.1:9", "--size", "15"], "--size must be 16–65507 bytes with --payload plain"),
            (
                ["127.0.0.1:9", "--payload", "sockperf", "--size", "29"],
                "--size must be 30–65507 bytes with --payload sockperf"
            ),
            (["127.0.0.1:9", "--size", "65508"], "--size must be 16–65507"),
            (["127.0.0.1:9", "--mode", "window", "--window", "0"], "--window must be 1–65536"),
            (["127.0.0.1:9", "--mode", "rate", "--rate", "0"], "--rate must be 1–10000000"),
            (["127.0.0.1:9", "--rate", "100"], "--rate applies only to --mode rate"),
            (["127.0.0.1:9", "--mode", "rate", "--window", "4"], "--window applies only to --mode window"),
            (["127.0.0.1:9", "--sockets", "0"], "--sockets must be 1–1024"),
            (["127.0.0.1:9", "--sockets", "1025"], "--sockets must be 1–1024"),
            (["localhost:9"], "'localhost' is not a numeric IPv4 address"),
            (["127.0.0.1:0"], "port 0"),
            (["127.0.0.1:9", "--duration", "0"], "--duration"),
            (["127.0.0.1:9", "--warmup", "-1s"], "--warmup"),
            (["127.0.0.1:9", "--mode", "burst"], "--mode"),
            (["127.0.0.1:9", "--payload", "json"], "--payload"),
        ]
    )
    func rejected(arguments: [String], message: String) {
        do {
            _ = try parse(arguments)
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(UdplabCtl.exitCode(for: error).rawValue == ExitStatus.usage.rawValue)
            #expect(UdplabCtl.message(for: error).contains(message), "\(UdplabCtl.message(for: error))")
        }
    }
}
