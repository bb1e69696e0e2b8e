import ArgumentParser
import UDPLabOS
import UDPLabProtocol

/// The options that describe an engine for `udplabd run`, the same as `udplabctl start`'s and the
/// config file's `[[engine]]` keys. Parsed as text and checked by ``spec(kind:)`` so every mistake
/// gets one clear line.
struct EngineOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The I/O model (see the list below).", valueName: "backend"))
    var backend: String = Backend.default.rawValue

    @Option(
        help: ArgumentHelp(
            "How a multisocket engine drives its sockets (default \(Strategy.default.rawValue); see the list below).",
            valueName: "strategy"
        )
    )
    var strategy: String?

    @Option(help: ArgumentHelp("Address to bind: HOST:PORT or [IPv6]:PORT.", valueName: "host:port"))
    var bind: String = EngineSpec.defaultBind.description

    @Option(
        help: ArgumentHelp(
            "Sockets a multisocket engine opens, on consecutive ports from --bind (default 10).",
            valueName: "n"
        )
    )
    var count: Int?

    @Option(
        help: ArgumentHelp(
            "Outgoing queue capacity in datagrams (default 8, 32 on nio-async, for mmsg and uring at least --batch); a datagram that finds it full is dropped and counted (nio-async: the reader waits; uring: receive buffers, datagrams wait in the kernel).",
            valueName: "n"
        )
    )
    var queue: Int?

    @Option(
        help: ArgumentHelp(
            "Receive buffer per datagram in bytes (default 1500, 1024 for multisocket; at most 65535); longer datagrams are truncated and counted.",
            valueName: "bytes"
        )
    )
    var buffer: Int?

    @Option(
        help: ArgumentHelp(
            "Datagrams handled per readiness event before yielding; 0 drains (default 1 on level backends, 0 on edge ones; on nio, NIO's maxMessagesPerRead, 1–1024, default 16).",
            valueName: "n"
        )
    )
    var budget: Int?

    @Option(
        help: ArgumentHelp(
            "Datagrams per recvmmsg/sendmmsg on backend mmsg, or completions handled per io_uring_enter on backend uring, 1–1024 (default 32).",
            valueName: "n"
        )
    )
    var batch: Int?

    @Option(
        help: ArgumentHelp(
            "What an echo engine sends back: echo (every datagram verbatim, the default) or sockperf (as sockperf's server: only a sockperf request with PONG_REQUEST set and WARMUP clear, with its CLIENT flag cleared; other datagrams get no reply and count as unanswered).",
            valueName: "mode"
        )
    )
    var reply: String?

    @Option(
        help: ArgumentHelp(
            "Time between a mixed engine's timer events (default 3s) or a notify engine's notifications (default 1s): 200ms, 1.5s, 2m.",
            valueName: "duration"
        )
    )
    var interval: String?

    @Option(help: ArgumentHelp("Polls after which a notify engine completes (default 10).", valueName: "n"))
    var polls: Int?

    @Flag(
        name: .customLong("dual-stack"),
        help: ArgumentHelp(
            "Serve IPv4 too on an IPv6 --bind such as [::]:2000 (IPV6_V6ONLY off; IPv4 peers show as IPv4). Without it an IPv6 engine is IPv6-only, whatever net.ipv6.bindv6only says."
        )
    )
    var dualStack = false

    @Flag(help: "Print the seed programs' per-event lines (recv …, sent …, total pending writes: K).")
    var trace = false

    /// The spec these options describe.
    /// - Throws: ``CommandFailure`` naming the bad option.
    func spec(kind: EngineKind) throws -> EngineSpec {
        guard let backend = Backend(rawValue: backend) else {
            let names = Backend.allCases.map(\.rawValue).joined(separator: ", ")
            throw CommandFailure(message: "unknown backend '\(self.backend)': use one of \(names)", exitCode: 64)
        }
        let address: SocketAddress
        do {
            address = try SocketAddress(parsing: bind)
        } catch {
            throw CommandFailure(message: "invalid --bind: \(error)", exitCode: 64)
        }
        let spec = EngineSpec(
            kind: kind,
            backend: backend,
            bind: address,
            queue: queue,
            buffer: buffer,
            budget: budget,
            trace: trace,
            strategy: try strategy.map(Self.strategy(named:)),
            count: count,
            interval: try interval.map(Self.seconds(ofInterval:)),
            polls: polls,
            batch: batch,
            reply: try reply.map(Self.reply(named:)),
            dualStack: dualStack ? true : nil
        )
        do {
            try spec.validate()
        } catch {
            throw CommandFailure(message: error.description, exitCode: 64)
        }
        return spec
    }

    /// The strategy `name` names.
    /// - Throws: ``CommandFailure`` listing the strategies.
    private static func strategy(named name: String) throws -> Strategy {
        guard let strategy = Strategy(rawValue: name) else {
            let names = Strategy.allCases.map(\.rawValue).joined(separator: ", ")
            throw CommandFailure(message: "unknown strategy '\(name)': use one of \(names)", exitCode: 64)
        }
        return strategy
    }

    /// The reply mode `name` names.
    /// - Throws: ``CommandFailure`` listing the modes.
    private static func reply(named name: String) throws -> ReplyMode {
        guard let reply = ReplyMode(rawValue: name) else {
            let names = ReplyMode.allCases.map(\.rawValue).joined(separator: ", ")
            throw CommandFailure(message: "unknown reply '\(name)': use one of \(names)", exitCode: 64)
        }
        return reply
    }

    /// The seconds `text` says, in ``DurationSyntax/commandLine`` as `udplabctl start --interval`
    /// reads it (`200ms`, `1.5s`, `2m`). The range is the spec's to check.
    /// - Throws: ``CommandFailure`` when the text is not a duration.
    private static func seconds(ofInterval text: String) throws -> Double {
        do {
            return try Duration(parsing: text, as: .commandLine).seconds
        } catch {
            throw CommandFailure(
                message: "invalid --interval '\(text)': write a duration like 200ms, 1.5s or 2m",
                exitCode: 64
            )
        }
    }
}
