import ArgumentParser
import FoundationEssentials
import Histogram
import UDPLabOS

/// `udplabctl bench HOST:PORT`: a UDP load client for any echo server, with loss counted and
/// round trips measured so that stalls are not hidden.
///
/// It does not talk to udplabd. The work is done by ``LoadGenerator`` on this thread; this type
/// only turns options into a ``BenchConfiguration`` and prints the ``BenchResult``.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load a UDP echo server and report loss, echoes/s and round-trip times.",
        discussion: """
            bench talks UDP to any echo server at HOST:PORT (udplab, sockperf's server, a plain echo), not to \
            udplabd: --socket and --timeout are accepted and ignored, and --json prints the result. -H is refused: \
            the load would still leave from this host; run bench on the other host (ssh HOST udplabctl bench ...).

            MODES:
              pingpong  one request in flight: the round-trip time of an idle server
              window    --window N requests in flight, replies busy-polled: saturation
              rate      --rate R requests a second on a fixed schedule (open loop)

            In rate mode requests go out on schedule whatever the replies do, and each round trip counts from \
            the request's planned send time, so a stall counts against every request it delayed.

            Each request carries a sequence number and its send time, big-endian, first (--payload plain) or after \
            sockperf's 14-byte header with the CLIENT and PONG_REQUEST flags set (--payload sockperf), which \
            sockperf's server, plain echo servers and udplab all answer; replies with the CLIENT flag set or cleared \
            are both accepted. Replies are matched by sequence number. Only requests sent after the warm-up count. \
            A request unanswered after --reply-timeout (or once \(RequestLedger.capacity) newer requests have gone \
            out) is lost; a reply after that is late, not received. After --duration no request is sent and replies \
            are awaited for at most --reply-timeout.

            bench spins: it never sleeps, and uses one CPU fully while it runs.

            OUTPUT: sent, received and lost (sent = received + lost; late, duplicate and invalid replies, requests \
            a rate run fell behind on and errors are shown when there are any), echoes/s (received per second of \
            --duration) and round-trip times in microseconds from an HdrHistogram (3 significant digits). With \
            --json, one object with those fields (snake_case). On a terminal, stderr shows progress.

            --hgrm FILE also writes the round-trip times to FILE in HdrHistogram's percentile-distribution format \
            (.hgrm, as outputPercentileDistribution prints it: Value, Percentile, TotalCount, 1/(1-Percentile), then \
            mean, standard deviation, max and total count), values in microseconds, for HdrHistogram's plotter and \
            other .hgrm tools. FILE is created (or emptied) before the run.

            EXIT STATUS:
              0   the run finished, whatever the loss (nothing answered: a warning)
              64  usage: unknown option, bad value, an option the mode does not take
              69  a source socket could not be opened
              73  the --hgrm file could not be created or written
            """
    )

    /// The values of `--mode`.
    enum Mode: String, CaseIterable, ExpressibleByArgument {
        case pingpong
        case window
        case rate
    }

    /// `--json` prints the result as one object; `--socket` and `--timeout` are accepted as by every
    /// command, and ignored. They must be the root command's group: the parser hands an option the
    /// root declares to the root, so a `--json` of bench's own would never be set.
    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The echo server: 127.0.0.1:2000 or [::1]:2000.", valueName: "host:port"))
    var server: String

    @Option(help: "How requests are paced: pingpong, window or rate.")
    var mode = Mode.pingpong

    @Option(
        help: ArgumentHelp(
            "Requests in flight with --mode window (default: \(LoadMode.defaultWindow)).",
            valueName: "n"
        )
    )
    var window: Int?

    @Option(
        help: ArgumentHelp("Requests per second with --mode rate (default: \(LoadMode.defaultRate)).", valueName: "r")
    )
    var rate: Int?

    @Option(help: ArgumentHelp("Bytes per request: 16–65507 (plain), 30–65507 (sockperf).", valueName: "bytes"))
    var size = BenchConfiguration.defaultSize

    @Option(
        help: ArgumentHelp(
            "How long requests are recorded, after the warm-up. (default: \(DurationArgument(BenchConfiguration.defaultDuration)))",
            valueName: "duration"
        ),
        transform: DurationArgument.init(parsing:)
    )
    var duration = DurationArgument(BenchConfiguration.defaultDuration)

    @Option(
        help: ArgumentHelp(
            "How long requests are sent first without being recorded; 0 for none. (default: \(WarmupArgument(BenchConfiguration.defaultWarmup)))",
            valueName: "duration"
        ),
        transform: WarmupArgument.init(parsing:)
    )
    var warmup = WarmupArgument(BenchConfiguration.defaultWarmup)

    @Option(
        help: ArgumentHelp("How many source sockets (ports) requests are spread over, round robin.", valueName: "n")
    )
    var sockets = 1

    @Option(
        help: ArgumentHelp(
            "Client threads, each with its own --sockets source sockets, its own --window (or its share of --rate) and its own ledger; the report sums them. Flows = threads × sockets.",
            valueName: "n"
        )
    )
    var threads = 1

    @Option(
        help: ArgumentHelp(
            "Send requests in trains of N with one UDP_SEGMENT send (GSO), and receive replies with UDP_GRO on, 1–64 (default 1: one send per request). Each request is still a datagram, timed and counted on its own; with --mode pingpong one train is outstanding. Over loopback a train reaches a UDP_GRO server whole, so it exercises the server's GRO path.",
            valueName: "n"
        )
    )
    var gso = 1

    @Option(help: "The request layout: plain or sockperf.")
    var payload = PayloadFormat.plain

    @Option(
        help: ArgumentHelp(
            "How long a request may go unanswered before it counts as lost and frees its place in the window. (default: \(DurationArgument(BenchConfiguration.defaultReplyTimeout)))",
            valueName: "duration"
        ),
        transform: DurationArgument.init(parsing:)
    )
    var replyTimeout = DurationArgument(BenchConfiguration.defaultReplyTimeout)

    @Option(
        help: ArgumentHelp(
            "Also write the round-trip times to this file as HdrHistogram's percentile distribution (.hgrm), in microseconds.",
            valueName: "file"
        ),
        completion: .file(extensions: ["hgrm"])
    )
    var hgrm: String?

    /// The run the options describe.
    /// - Throws: `ValidationError` naming the option that is out of range or does not fit the mode.
    var benchConfiguration: BenchConfiguration {
        get throws(ValidationError) {
            let target: SocketAddress
            do {
                target = try SocketAddress(parsing: server)
            } catch {
                throw ValidationError(error.description)
            }
            do {
                return try BenchConfiguration(
                    target: target,
                    mode: try loadMode,
                    payload: payload,
                    size: size,
                    duration: duration.duration,
                    warmup: warmup.duration,
                    sockets: sockets,
                    threads: threads,
                    train: gso,
                    replyTimeout: replyTimeout.duration
                )
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    /// `--mode` with its `--window` or `--rate`.
    /// - Throws: ``BenchError/invalidOption(_:)`` for `--window` or `--rate` with another mode.
    private var loadMode: LoadMode {
        get throws(BenchError) {
            if mode != .window, window != nil { throw .invalidOption("--window applies only to --mode window") }
            if mode != .rate, rate != nil { throw .invalidOption("--rate applies only to --mode rate") }
            switch mode {
            case .pingpong: return .pingpong
            case .window: return .window(outstanding: window ?? LoadMode.defaultWindow)
            case .rate: return .rate(perSecond: rate ?? LoadMode.defaultRate)
            }
        }
    }

    /// Rejects bad options before anything is opened, with exit status 64.
    func validate() throws {
        guard options.host == nil else {
            throw ValidationError(
                "-H does not apply to bench: its UDP leaves from this host; run it on the other (ssh HOST udplabctl bench ...)"
            )
        }
        _ = try benchConfiguration
    }

    /// Runs the bench and prints the result on stdout, warnings on stderr; with `--hgrm`, writes
    /// the percentile distribution too (its file is created first, so that a bad path costs no run).
    func run() throws {
        let configuration = try benchConfiguration
        var histogramFile: PercentileDistributionFile?
        if let hgrm {
            do {
                histogramFile = try PercentileDistributionFile(creating: hgrm)
            } catch {
                Self.fail(error, status: .cannotCreate)
            }
        }
        let showsProgress = StandardError.isTerminal
        let run: (result: BenchResult, histogram: Histogram<UInt64>)
        do {
            run = try ThreadedLoad.recordingRun(
                configuration,
                progress: showsProgress ? { Self.writeError(ProgressLine.erase + ProgressLine.text($0)) } : nil
            )
        } catch {
            Self.fail(error)
        }
        if showsProgress { Self.writeError(ProgressLine.erase) }
        let report = options.json ? BenchView.json(run.result) : BenchView.text(run.result)
        // Written at once (print would buffer it in a pipe until exit), so it comes before the warnings.
        StandardOutput.write(report + "\n")
        for warning in BenchView.warnings(run.result) {
            Self.writeError("udplabctl: \(warning)\n")
        }
        // After the report: a file that fails now (a full disk) costs the file, not the run's figures.
        if let file = histogramFile.take() {
            do {
                try file.write(run.histogram)
            } catch {
                Self.fail(error, status: .cannotCreate)
            }
        }
    }

    /// Prints `udplabctl: error` on stderr and exits with `status`: by default 69
    /// (``ExitStatus/unreachable``), the status bench documents for a source socket that cannot be
    /// opened; 73 (``ExitStatus/cannotCreate``) for the `--hgrm` file.
    private static func fail(_ error: BenchError, status: ExitStatus = .unreachable) -> Never {
        writeError("udplabctl: \(error)\n")
        CurrentProcess.exit(status.rawValue)
    }

    /// Writes `text` to stderr at once: progress redraws and warnings.
    private static func writeError(_ text: String) {
        StandardError.write(text)
    }
}
