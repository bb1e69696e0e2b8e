import ArgumentParser
import Dispatch
import FoundationEssentials
import UDPLabOS
import UDPLabProtocol

/// `udplabctl stats [NAME…] [--watch [D]]`: counters and per-datagram costs, once or continuously.
///
/// `--watch` asks the daemon for a stream (`more`): on a terminal each reply redraws the screen
/// in place; into a pipe, each is a block followed by a blank line, or with `--json` one object
/// per line. Ctrl-C ends it with status 0.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show engine counters, with wakeups, syscalls and polls per datagram and residence times.",
        discussion: """
            Per-datagram figures divide by received datagrams ("-" before the first). Residence is the time from \
            receiving a datagram to sending its echo, in microseconds. A multisocket engine adds its receive count \
            per socket.
            """
    )

    /// The ANSI sequence that moves the cursor home and clears the screen.
    static let clearScreen = "\u{1B}[H\u{1B}[2J"

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The engines to show (default: all).", valueName: "name"))
    var names: [String] = []

    @Option(
        defaultAsFlag: DurationArgument(.seconds(1)),
        help: ArgumentHelp("Show them again every interval until Ctrl-C: 1, 500ms, 2s.", valueName: "interval")
    )
    var watch: DurationArgument?

    /// The call's parameters: the names (none means all), and the interval when watching.
    var parameters: StatsMethod.Parameters {
        StatsMethod.Parameters(names: names.isEmpty ? nil : names, interval: watch?.seconds)
    }

    /// Prints the counters once, or follows the daemon's stream until Ctrl-C with `--watch`.
    func run() throws {
        guard watch != nil else {
            try options.call(StatsMethod.name, parameters, as: StatsMethod.Reply.self) { StatsView.text($0.engines) }
            return
        }
        let interrupt = Self.exitOnInterrupt()
        defer { interrupt.cancel() }
        StandardOutput.useLineBuffering()
        let redraws = !options.json && StandardOutput.isTerminal
        var isFirst = true
        var client = try options.connect()
        try client.stream(StatsMethod.name, parameters, as: StatsMethod.Reply.self) { reply in
            if options.json {
                print(JSONLine.text(of: reply.parameters))
            } else if redraws {
                print(Self.clearScreen + StatsView.text(reply.value.engines))
            } else {
                print((isFirst ? "" : "\n") + StatsView.text(reply.value.engines))
            }
            isFirst = false
        }
    }

    /// Makes Ctrl-C end the process with status 0 (a watch has no other way to end).
    /// - Returns: the signal source; cancel it when the watch ends by itself.
    private static func exitOnInterrupt() -> any DispatchSourceSignal {
        ProcessSignal.interrupt.ignoreDefaultAction()
        let source = DispatchSource.makeSignalSource(signal: ProcessSignal.interrupt.rawValue, queue: .global())
        source.setEventHandler { CurrentProcess.exit(ExitStatus.success.rawValue) }
        source.resume()
        return source
    }
}
