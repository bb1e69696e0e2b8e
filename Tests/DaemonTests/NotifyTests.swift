import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

/// sd_notify without systemd: a datagram socket stands in for `$NOTIFY_SOCKET` and receives
/// exactly what the daemon tells systemd, in order, across start, reload and stop.
@Suite("sd_notify", .serialized)
struct NotifyTests {
    @Test("READY, RELOADING+MONOTONIC_USEC, READY, STOPPING arrive in order", arguments: [false, true])
    func lifecycleMessages(abstract: Bool) throws {
        let daemon = try DaemonHarness()
        let address = abstract ? "@udplab-test-\(UUID().uuidString.prefix(8))" : daemon.directory + "/notify.sock"
        let notify = try UnixDatagramSocket(binding: address)
        try daemon.start(environment: ["NOTIFY_SOCKET": address])

        var messages: [[String]] = []
        func next() throws -> [String] {
            while let text = try notify.receive(timeout: .seconds(10)) {
                let lines = text.split(separator: "\n").map(String.init)
                messages.append(lines)
                // STATUS-only updates may come at any time; the lifecycle messages are what is checked.
                if lines.contains(where: {
                    $0.hasPrefix("READY=") || $0.hasPrefix("RELOADING=") || $0.hasPrefix("STOPPING=")
                }) {
                    return lines
                }
            }
            throw ChildFailure("no notify message; got \(messages)")
        }

        let ready = try next()
        #expect(ready.first == "READY=1")
        #expect(ready.contains { $0.hasPrefix("STATUS=") && $0.contains("engines running") })

        let reload = try daemon.connect().call(ReloadMethod.name)
        #expect(reload.error == nil)
        let reloading = try next()
        #expect(reloading.first == "RELOADING=1")
        let stamp = try #require(reloading.first { $0.hasPrefix("MONOTONIC_USEC=") })
        let microseconds = try #require(UInt64(stamp.dropFirst("MONOTONIC_USEC=".count)))
        #expect(microseconds > 0 && microseconds <= MonotonicClock.nanoseconds() / 1000)
        #expect(reloading.contains { $0.hasPrefix("STATUS=reloading") })
        #expect(try next().first == "READY=1")

        #expect(try daemon.stop() == 0)
        let stopping = try next()
        #expect(stopping.first == "STOPPING=1")
        #expect(stopping.contains { $0.hasPrefix("STATUS=stopping") })
    }

    @Test("A control socket another daemon holds: STATUS and ERRNO before the exit")
    func fatalStart() throws {
        let first = try DaemonHarness()
        try first.start()
        let second = try DaemonHarness()
        let address = second.directory + "/notify.sock"
        let notify = try UnixDatagramSocket(binding: address)
        let child = try ChildProcess(
            executable: ChildProcess.productPath("udplabd"),
            arguments: [
                "--config", second.configPath, "--socket", first.socketPath, "--state-dir", second.stateDirectory,
            ],
            environment: ["NOTIFY_SOCKET": address]
        )
        #expect(try child.waitForExit() == 73)
        #expect(child.stderr.contains("another udplabd is already listening on \(first.socketPath)"))
        let message = try #require(try notify.receive(timeout: .seconds(5)))
        #expect(message.contains("STATUS=another udplabd is already listening"))
        #expect(message.contains("ERRNO="))
    }

    @Test("A stale socket file (nobody listening) is replaced at start")
    func staleSocket() throws {
        let daemon = try DaemonHarness()
        do {
            // Listening, then closing, leaves the socket file behind with nobody answering.
            _ = try UnixStreamSocket.listen(path: daemon.socketPath, mode: 0o666)
        }
        #expect(FileManager.default.fileExists(atPath: daemon.socketPath))
        try daemon.start()
        #expect(try daemon.connect().call(StatusMethod.name).error == nil)
    }
}
