import Foundation
import Testing

@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// Serialized: the leak test's thousand start/stop cycles (a hundred SwiftNIO event-loop groups
/// among them) load both cores, which would distort the 100 ms stop measurement beside it.
@Suite("Engine lifecycle", .serialized)
struct LifecycleTests {
    @Test("An idle engine stops within 100 ms and its port can be bound again at once", arguments: Backend.allCases)
    func stopsPromptlyAndFreesThePort(backend: Backend) throws {
        let engine = try Engine.start(.testEcho(backend))
        try waitUntil("the loop waits") { engine.counters.isWaiting }
        #expect(engine.state == .running)

        let clock = ContinuousClock()
        let elapsed = clock.measure { engine.stop() }
        // udplab's own loops stop within 100 ms. nio's and nio-async's stop also waits for SwiftNIO's event-loop
        // group to shut down, which on a loaded 2-core machine took up to ~1 s in these tests.
        let limit: Duration = [.nio, .nioAsync].contains(backend) ? .seconds(2) : .milliseconds(100)
        #expect(elapsed < limit, "stop took \(elapsed)")
        #expect(engine.state == .stopped)
        #expect(engine.failure == nil)

        // The port is free once the engine's descriptor is closed. Another test of this process
        // that starts a child (python, ssh, prometheus) between fork and exec holds copies of
        // every descriptor, close-on-exec ones too, for that moment; so the rebind is retried
        // until a deadline rather than expected on the first try.
        let rebound = try Self.rebind(engine.localAddress, until: ContinuousClock.now + .seconds(2))
        #expect(rebound == engine.localAddress)
    }

    /// Binds a socket to `address` (retried while it is in use, until `deadline`) and returns
    /// the address it got; the socket is closed again.
    private static func rebind(
        _ address: SocketAddress,
        until deadline: ContinuousClock.Instant
    ) throws -> SocketAddress {
        let bound: SocketAddress
        do {
            bound = try UDPSocket(binding: address).localAddress
        } catch {
            guard error.code == EADDRINUSE, ContinuousClock.now < deadline else { throw error }
            OSThread.sleep(for: .milliseconds(1))
            return try rebind(address, until: deadline)
        }
        return bound
    }

    @Test("stop() is idempotent")
    func stopTwice() throws {
        let engine = try Engine.start(.testEcho(.poll))
        engine.stop()
        engine.stop()
        #expect(engine.state == .stopped)
    }

    @Test("Start/stop cycles leak no descriptors and no threads", arguments: ChurnCase.all)
    func noLeaks(churn: ChurnCase) throws {
        let descriptorsBefore = try openDescriptorCount()
        let threadsBefore = try threadCount()
        for _ in 0..<churn.cycles {
            let engine = try Engine.start(churn.spec)
            engine.stop()
        }
        // Each engine holds 2–1026 descriptors and a thread or two: a leak of even one per cycle
        // would add `cycles`. Tests running in parallel (daemons, pipes, sockets, engine threads)
        // come and go, so the counts are sampled until they are back within half that of where
        // they were, for up to 10 s: what other tests hold passes, a leak never does.
        let margin = churn.cycles / 2
        try waitUntil(
            "\(churn) is back to \(descriptorsBefore) descriptors and \(threadsBefore) threads (± \(margin))",
            timeout: .seconds(10)
        ) {
            try openDescriptorCount() - descriptorsBefore < margin && threadCount() - threadsBefore < margin
        }
    }
}

/// One engine configuration for the churn test, with how often to start and stop it.
struct ChurnCase: Sendable, CustomTestStringConvertible, CustomStringConvertible {
    let spec: EngineSpec
    /// 100, or 40 on SwiftNIO's backends (each cycle also starts and ends an event-loop group,
    /// up to ~1 s on a loaded machine); enough either way that a leak of one per cycle shows.
    let cycles: Int

    /// Every kind, every echo backend, every multisocket strategy.
    static var all: [ChurnCase] {
        let loopback = SocketAddress(loopbackPort: 0)
        let echo = Backend.allCases.map { backend in
            ChurnCase(spec: .testEcho(backend), cycles: [.nio, .nioAsync].contains(backend) ? 40 : 100)
        }
        let multisocket = Strategy.allCases.map { strategy in
            ChurnCase(spec: EngineSpec(kind: .multisocket, bind: loopback, strategy: strategy, count: 4), cycles: 100)
        }
        let others = [
            EngineSpec(kind: .mixed, bind: loopback),
            EngineSpec(kind: .notify, bind: loopback),
            EngineSpec(kind: .empty, bind: loopback),
        ].map { ChurnCase(spec: $0, cycles: 100) }
        return echo + multisocket + others
    }

    var description: String {
        switch spec.kind {
        case .echo: "echo \(spec.backend.rawValue)"
        case .multisocket: "multisocket \(spec.effectiveStrategy.rawValue)"
        default: spec.kind.rawValue
        }
    }

    var testDescription: String { description }
}

/// The threads of this process, counted in /proc/self/task.
private func threadCount() throws -> Int {
    try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count
}
