import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

/// `udplabd run`, driven as a user would: the real binary, real sockets, real signals.
@Suite("udplabd run")
struct RunCommandTests {
    @Test(
        "Echoes, and on SIGINT prints the summary with per-datagram costs and exits 0",
        arguments: ["SIGINT", "SIGTERM"]
    )
    func runsAndSummarises(signal: String) throws {
        let child = try ChildProcess(udplabd: [
            "run", "echo", "--backend", "epoll-level", "--bind", "127.0.0.1:0", "--trace",
        ])
        let listening = try child.waitForLine { $0.hasPrefix("listening on ") }
        #expect(listening.hasSuffix("(backend epoll-level)"))
        let addressText = listening.dropFirst("listening on ".count).split(separator: " ")[0]
        let address = try SocketAddress(parsing: String(addressText))

        let client = try UDPSocket(binding: .init(loopbackPort: 0))
        let hello = Array("hello".utf8)
        _ = try hello.withUnsafeBytes { try client.send($0, to: address) }
        _ = try child.waitForLine { $0.hasPrefix("sent 5 bytes to \(client.localAddress)") }
        #expect(child.stdout.contains("recv 5 bytes from \(client.localAddress)."))
        #expect(child.stdout.contains("total pending writes: 1"))

        signal == "SIGINT" ? child.interrupt() : child.terminate()
        #expect(try child.waitForExit() == 0)
        let summary = child.stdout
        #expect(summary.contains("\(signal): engine echo (backend epoll-level) on \(address) stopped"))
        #expect(summary.contains("rx 1 datagrams, 5 bytes; tx 1 datagrams, 5 bytes"))
        // Two wakeups for the datagram (read, then write), one for the stop.
        #expect(summary.contains("wakeups 3 (3.00/datagram, 0 empty)"), "\(summary)")
        #expect(summary.contains("/datagram), interest changes 2"), "\(summary)")
    }

    @Test(
        "A bad option fails with one clear line and exit status 64",
        arguments: [
            (["run", "echo", "--backend", "nope"], "unknown backend 'nope': use one of select, poll,"),
            (
                ["run", "echo", "--bind", "127.0.0.1:99999"],
                "invalid --bind: '127.0.0.1:99999' is not a HOST:PORT address: port must be 0–65535"
            ),
            (["run", "echo", "--queue", "0"], "--queue 0 is out of range"),
            (["run", "echo", "--queue", "x"], "'x' is invalid for '--queue <n>'"),
            (["run", "nope"], "unknown kind 'nope'"),
        ]
    )
    func rejectsBadOptions(arguments: [String], message: String) throws {
        let (status, stdout, stderr) = try ChildProcess.runUdplabd(arguments)
        #expect(status == 64)
        #expect(stdout.isEmpty)
        let lines = stderr.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(stderr)")
        #expect(stderr.hasPrefix("udplabd: ") && stderr.contains(message), "\(stderr)")
    }

    @Test("A busy port says which address is in use, and only that", arguments: Backend.allCases)
    func busyPort(backend: Backend) throws {
        let holder = try UDPSocket(binding: .init(loopbackPort: 0))
        let (status, _, stderr) = try ChildProcess.runUdplabd([
            "run", "echo", "--backend", backend.rawValue, "--bind", holder.localAddress.description,
        ])
        #expect(status == 69)
        #expect(stderr == "udplabd: address \(holder.localAddress) is already in use\n")
    }

    @Test("run --help lists every backend with one line each, marking those a relay runs on")
    func helpListsBackends() throws {
        let (status, stdout, _) = try ChildProcess.runUdplabd(["run", "--help"])
        #expect(status == 0)
        for backend in Backend.allCases {
            // Marked * where a relay runs on it too.
            let name = backend.rawValue + (backend.traits.refusesRelay == nil ? " *" : "")
            #expect(
                stdout.contains(
                    "  \(name.padding(toLength: 16, withPad: " ", startingAt: 0))\(backend.traits.summary)\n"
                )
            )
        }
    }
}
