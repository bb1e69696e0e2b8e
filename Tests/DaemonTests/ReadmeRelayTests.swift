import Foundation
import Synchronization
import Testing
import UDPLabOS
import UDPLabProtocol

/// The README's "Relay: producers and consumers" session, typed as a new user types it, against
/// a real daemon: `udplabctl start relay --backend reactor-edge`, three `socat` consumers that
/// register with the one byte `1` and stay receiving, a `socat` producer, and what
/// `udplabctl stats` then says; then the README's way to leave, `0` from the consumer's own
/// source port (and a `0` from any other port, which is ignored).
///
/// The README uses the defaults, 127.0.0.1:2000 and 2001; here the daemon runs beside the
/// other tests, so the engine binds port 0 and the consumer socket, by default the producer
/// socket's address, gets a free port from the kernel too. The commands are otherwise the
/// README's. While waiting, the test asks the daemon over its own varlink connection, and runs
/// `udplabctl` only for what the README shows, so that few children run.
@Suite("README: the relay with socat", .serialized)
struct ReadmeRelayTests {
    static let socat = "/usr/bin/socat"

    @Test(
        "start relay --backend reactor-edge; three socat consumers send 1, a socat producer sends hello: each consumer prints hello; stats --json lists three consumers with relayed 1"
    )
    func threeConsumersAndAProducer() throws {
        guard let session = try ReadmeSession() else { return }
        var consumers: [SocatConsumer] = []
        defer {
            for consumer in consumers { consumer.stop() }
        }
        for _ in 0..<3 {
            consumers.append(try SocatConsumer(to: session.consumerAddress))
        }
        try session.waitForConsumers(3)

        // The README's producer: one datagram of 5 bytes, `hello`.
        try session.produce("printf 'hello' | socat - UDP:\(session.producerAddress)")

        for consumer in consumers {
            try waitFor("a consumer printing hello; it printed \(consumer.output.debugDescription)") {
                consumer.output == "hello"
            }
        }
        let stats = try session.ctlStats()
        let listed = try #require(stats.consumers)
        #expect(listed.count == 3, "\(listed)")
        #expect(listed.map(\.relayed) == [1, 1, 1], "\(listed)")
        #expect(listed.map(\.dropped) == [0, 0, 0], "\(listed)")
        #expect(Set(listed.map(\.address)).count == 3, "three consumers, three source ports: \(listed)")
        #expect(stats.counters.rxDatagrams == 4, "three registrations and one produced datagram")
        #expect(stats.counters.txDatagrams == 3)
        #expect(stats.counters.consumerIgnored == 0)
        #expect(stats.sockets.map(\.rxDatagrams) == [1, 3], "producer socket, then consumer socket")

        // The README's human view: each socket's receive count on its own row.
        let (status, text, stderr) = try session.daemon.ctl(["stats", "relay"])
        #expect(status == 0, "\(stderr)")
        #expect(text.contains("rx on \(session.consumerAddress)"), "\(text)")
    }

    @Test(
        "a consumer with a fixed source port leaves with 0 from that port; 0 from another port is ignored and the consumer stays"
    )
    func consumerLeavesFromItsOwnPort() throws {
        guard let session = try ReadmeSession() else { return }
        // A free port for the consumer's fixed source port: the kernel's pick, given back.
        let sourcePort = try UDPSocket(binding: .init(loopbackPort: 0)).localAddress.port
        let fixed = "UDP:\(session.consumerAddress),sourceport=\(sourcePort),reuseaddr"
        let consumer = try SocatConsumer(address: fixed)
        defer { consumer.stop() }
        try session.waitForConsumers(1)
        #expect(try session.stats().consumers?.map(\.address) == ["127.0.0.1:\(sourcePort)"])

        // `0` from socat's own new socket, another source port: not a consumer, ignored.
        try session.produce("printf 0 | socat - UDP:\(session.consumerAddress)")
        try waitFor("the stray 0 counted in consumer_ignored") {
            try session.stats().counters.consumerIgnored == 1
        }
        #expect(try session.stats().consumers?.count == 1)

        // `0` from the consumer's own address and port: it leaves.
        try session.produce("printf 0 | socat - \(fixed)")
        try waitFor("the consumer gone from stats") { try session.stats().consumers == [] }
        let left = try session.ctlStats()
        #expect(left.counters.consumerIgnored == 1)
        #expect(left.consumers == [])

        // What a producer sends now reaches no one.
        try session.produce("printf 'hello' | socat - UDP:\(session.producerAddress)")
        try waitFor("the produced datagram received") { try session.stats().sockets.first?.rxDatagrams == 1 }
        #expect(try session.stats().counters.txDatagrams == 0)
        #expect(consumer.output == "")
    }
}

/// A daemon with the README's relay engine on it, or `nil` (after saying so) without socat.
private struct ReadmeSession {
    let daemon: DaemonHarness
    /// Where producers send (`--bind`) and where consumers register (`--consumer-bind`).
    let producerAddress: String
    let consumerAddress: String

    init?() throws {
        guard FileManager.default.isExecutableFile(atPath: ReadmeRelayTests.socat) else {
            print("SKIPPED: ReadmeRelayTests needs socat (make deps installs it): \(ReadmeRelayTests.socat) is missing")
            return nil
        }
        daemon = try DaemonHarness()
        try daemon.start()
        let started = try daemon.ctlJSON(
            ["start", "relay", "--backend", "reactor-edge", "--bind", "127.0.0.1:0", "--transient"],
            as: StartMethod.Reply.self
        )
        #expect(started.engine.kind == "relay")
        #expect(started.engine.backend == "reactor-edge")
        let addresses = started.engine.addresses
        guard addresses.count == 2 else { throw ChildFailure("a relay binds two sockets: \(addresses)") }
        producerAddress = addresses[0]
        consumerAddress = addresses[1]
    }

    /// The relay engine's stats, as `udplabctl stats relay --json` prints them.
    func ctlStats() throws -> EngineStats {
        try Self.relay(in: daemon.ctlJSON(["stats", "relay"], as: StatsMethod.Reply.self))
    }

    /// The relay engine's stats, asked over a varlink connection of the test's own.
    func stats() throws -> EngineStats {
        try Self.relay(
            in: daemon.connect().call(StatsMethod.name, #"{"names":["relay"]}"#).decodeParameters(
                StatsMethod.Reply.self
            )
        )
    }

    private static func relay(in reply: StatsMethod.Reply) throws -> EngineStats {
        guard let engine = reply.engines.first else { throw ChildFailure("no engine in \(reply)") }
        return engine
    }

    /// Waits until `count` consumers are registered.
    func waitForConsumers(_ count: Int) throws {
        try waitFor("\(count) consumers registered") { try stats().consumers?.count == count }
    }

    /// Runs a README command line with `sh -c` to its end (its output to /dev/null).
    func produce(_ commandLine: String) throws {
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", commandLine]
        shell.standardInput = FileHandle.nullDevice
        shell.standardOutput = FileHandle.nullDevice
        shell.standardError = FileHandle.nullDevice
        try shell.run()
        shell.waitUntilExit()
        guard shell.terminationStatus == 0 else {
            throw ChildFailure("\(commandLine) exited \(shell.terminationStatus)")
        }
    }
}

/// The README's consumer, `(printf 1; sleep infinity) | socat - UDP:HOST:PORT`: socat writes
/// the `1` it reads on standard input as one datagram, and prints what comes back. Here the
/// test holds socat's standard input open instead of `sleep`, so that when the test ends, even
/// by a crash, socat sees end of file and exits by itself (after its 0.5 s `-t`).
private final class SocatConsumer: Sendable {
    private let process: Process
    private let input: Pipe
    private let received = Received()

    /// A consumer of the relay whose consumer socket is `address`.
    convenience init(to address: String) throws {
        try self.init(address: "UDP:\(address)")
    }

    /// `socat - ADDRESS`, sent `1`.
    init(address: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: ReadmeRelayTests.socat)
        process.arguments = ["-", address]
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Blocking reads on a thread of its own until socat's end closes the pipe.
        let received = self.received
        let reading = output.fileHandleForReading
        Thread.detachNewThread {
            // One read(2) each, whatever it brings; empty at end of file.
            while case let data = reading.availableData, !data.isEmpty {
                received.bytes.withLock { $0 += data }
            }
        }
        try input.fileHandleForWriting.write(contentsOf: Data("1".utf8))
    }

    deinit { stop() }

    /// What socat printed: the datagrams it received, end to end.
    var output: String { received.bytes.withLock { String(decoding: $0, as: UTF8.self) } }

    /// Kills socat and waits for it.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// What a socat consumer printed so far, appended by its pipe's reader thread.
private final class Received: Sendable {
    let bytes = Mutex(Data())
}

/// Waits until `condition` holds, looking every 5 ms, for at most 10 s.
private func waitFor(_ what: @autoclosure () -> String, _ condition: () throws -> Bool) throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while try !condition() {
        guard ContinuousClock.now < deadline else { throw ChildFailure("timed out waiting for \(what())") }
        Thread.sleep(forTimeInterval: 0.005)
    }
}
