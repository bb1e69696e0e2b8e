import ArgumentParser
import UDPLabProtocol

/// `udplabctl start KIND`: starts an engine in the daemon (`io.udplab.Start`).
///
/// Options left out are left to the daemon's defaults, and the daemon checks every value, so a
/// newer daemon's kinds and backends work without a newer client.
struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start an engine; unless --transient, the daemon starts it again after a restart."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(
        help: ArgumentHelp("What the engine does (see `udplabctl backends`).", valueName: "kind"),
        completion: .list(EngineKind.allCases.map(\.rawValue))
    )
    var kind: String

    @Option(help: ArgumentHelp("The engine's name: 1–63 of A-Z a-z 0-9 _ . - (default: the kind).", valueName: "name"))
    var name: String?

    @Option(
        help: ArgumentHelp(
            "The I/O model (default: \(Backend.default.rawValue); see `udplabctl backends`).",
            valueName: "backend"
        ),
        completion: .list(Backend.allCases.map(\.rawValue))
    )
    var backend: String?

    @Option(
        help: ArgumentHelp(
            "How a multisocket engine drives its sockets (default: \(Strategy.default.rawValue); see `udplabctl backends`).",
            valueName: "strategy"
        ),
        completion: .list(Strategy.allCases.map(\.rawValue))
    )
    var strategy: String?

    @Option(
        help: ArgumentHelp(
            "Address to bind: HOST:PORT or [IPv6]:PORT (default: \(EngineSpec.defaultBind)).",
            valueName: "host:port"
        )
    )
    var bind: String?

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
            "Receive buffer per datagram (default 1500, 1024 for multisocket; at most 65535); longer datagrams are truncated and counted.",
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
        ),
        completion: .list(ReplyMode.allCases.map(\.rawValue))
    )
    var reply: String?

    @Option(
        help: ArgumentHelp(
            "Time between a mixed engine's timer events (default 3s) or a notify engine's notifications (default 1s): 200ms, 1.5s, 2m.",
            valueName: "duration"
        ),
        transform: DurationArgument.init(parsing:)
    )
    var interval: DurationArgument?

    @Option(help: ArgumentHelp("Polls after which a notify engine completes (default 10).", valueName: "n"))
    var polls: Int?

    @Flag(
        name: .customLong("dual-stack"),
        help: ArgumentHelp(
            "Serve IPv4 too on an IPv6 --bind such as [::]:2000 (IPV6_V6ONLY off; IPv4 peers show as IPv4). Without it an IPv6 engine is IPv6-only, whatever net.ipv6.bindv6only says."
        )
    )
    var dualStack = false

    @Flag(help: "Log the seed programs' per-event lines (recv …, sent …) as debug journal entries.")
    var trace = false

    @Flag(help: "Do not save the engine: it is gone when the daemon restarts.")
    var transient = false

    /// The call's parameters; flags left off are omitted.
    var parameters: StartMethod.Parameters {
        StartMethod.Parameters(
            name: name,
            kind: kind,
            backend: backend,
            strategy: strategy,
            bind: bind,
            count: count,
            queue: queue,
            buffer: buffer,
            budget: budget,
            batch: batch,
            reply: reply,
            interval: interval?.seconds,
            polls: polls,
            trace: trace ? true : nil,
            transient: transient ? true : nil,
            dualStack: dualStack ? true : nil
        )
    }

    /// Sends Start and confirms the engine with where it listens.
    func run() throws {
        try options.call(StartMethod.name, parameters, as: StartMethod.Reply.self) { ChangeSummary.started($0.engine) }
    }
}
