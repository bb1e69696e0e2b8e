import ArgumentParser
import Dispatch
import FoundationEssentials
import UDPLabCommandLine
import UDPLabEngineKit
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol

/// `udplabd run KIND`: one engine in the foreground, no daemon and no control socket.
///
/// Made for strace and for learning: it prints where it listens, the trace lines with
/// `--trace`, and on SIGINT or SIGTERM a statistics summary with the cost per datagram. An engine
/// that ends by itself (a notify engine after its last poll) prints the summary too.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one engine in the foreground (no daemon): strace-friendly.",
        discussion: """
            Kinds:
            \(EngineKind.allCases.map { "  \($0.rawValue.padded(toLength: 15))\($0.summary)" }.joined(separator: "\n"))

            Backends (--backend, echo engines; relay engines on those marked *):
            \(Backend.allCases.map { "  \(($0.rawValue + ($0.traits.refusesRelay == nil ? " *" : "")).padded(toLength: 16))\($0.traits.summary)" }.joined(separator: "\n"))

            Strategies (--strategy, multisocket engines):
            \(Strategy.allCases.map { "  \($0.rawValue.padded(toLength: 15))\($0.summary)" }.joined(separator: "\n"))

            Ctrl-C (SIGINT) or SIGTERM stops the engine and prints its statistics, including wakeups, syscalls and polls per datagram; the exit status is then 0. A notify engine stops by itself once it completes, prints the same and exits 0. A bad option exits 64, an engine that cannot start (address in use) 69, one that fails while running 70.
            """
    )

    @Argument(help: ArgumentHelp("What to run.", valueName: "kind"))
    var kind: String

    @OptionGroup(title: "Engine options") var options: EngineArguments

    func run() throws {
        guard let kind = EngineKind(rawValue: kind) else {
            let names = EngineKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw CommandFailure(message: "unknown kind '\(self.kind)': use one of \(names)", exitCode: 64)
        }
        let spec = try options.spec(kind: kind)
        StandardOutput.useLineBuffering()

        let finished = DispatchSemaphore(value: 0)
        let signalQueue = DispatchQueue(label: "udplabd.signals")
        let received = SignalRecord()
        let sources = [ProcessSignal.interrupt, .terminate].map { signal in
            signal.ignoreDefaultAction()
            let source = DispatchSource.makeSignalSource(signal: signal.rawValue, queue: signalQueue)
            source.setEventHandler {
                received.signal = signal
                finished.signal()
            }
            source.resume()
            return source
        }

        let engine: Engine
        do {
            engine = try Engine.start(spec, trace: { print($0) }, onExit: { _ in finished.signal() })
        } catch {
            throw CommandFailure(message: error.description, exitCode: 69)
        }
        print(Self.banner(engine))

        finished.wait()
        engine.stop()
        for source in sources {
            source.cancel()
        }
        print(RunSummary(engine: engine, signal: received.signal).text)
        // Stopped on a signal and completed by itself are both success.
        if engine.state == .failed {
            throw CommandFailure(message: "engine failed: \(engine.failure ?? "unknown error")", exitCode: 70)
        }
    }

    /// The first line printed: where the engine listens and on what, e.g. `listening on
    /// 127.0.0.1:2000 (backend reactor-edge)`; every socket of a multisocket engine is listed, a
    /// relay's two by what they are for.
    private static func banner(_ engine: Engine) -> String {
        let model = RunSummary.model(of: engine.spec)
        // A threaded engine's sockets share one address.
        let addresses = engine.spec.laneCount > 1 ? Array(engine.sockets.addresses.prefix(1)) : engine.sockets.addresses
        guard !addresses.isEmpty else { return "running \(engine.spec.kind.rawValue) (\(model))" }
        if engine.spec.kind == .relay, addresses.count == 2 {
            return "listening on \(addresses[0]) for producers, \(addresses[1]) for consumers (\(model))"
        }
        return "listening on \(addresses.map(\.description).joined(separator: ", ")) (\(model))"
    }
}

/// Which signal ended the run, written on the signal queue and read after the wait.
private final class SignalRecord: @unchecked Sendable {
    // Written once on the signal queue before the semaphore is signalled; read after the wait.
    var signal: ProcessSignal?
}
