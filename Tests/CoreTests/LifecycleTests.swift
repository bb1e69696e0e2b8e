import Testing

@testable import UDPLabCore

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
        #expect(elapsed < .milliseconds(100), "stop took \(elapsed)")
        #expect(engine.state == .stopped)
        #expect(engine.failure == nil)

        let rebound = try UDPSocket(binding: engine.localAddress)
        #expect(rebound.localAddress == engine.localAddress)
    }

    @Test("stop() is idempotent")
    func stopTwice() throws {
        let engine = try Engine.start(.testEcho(.poll))
        engine.stop()
        engine.stop()
        #expect(engine.state == .stopped)
    }

    @Test("100 start/stop cycles leak no descriptors", arguments: Backend.allCases)
    func noDescriptorLeaks(backend: Backend) throws {
        let before = try openDescriptorCount()
        for _ in 0..<100 {
            let engine = try Engine.start(.testEcho(backend))
            engine.stop()
        }
        let after = try openDescriptorCount()
        // Each engine holds 3–4 descriptors: a leak of even one per cycle would add 100. The
        // margin absorbs descriptors other tests, running in parallel, hold at the two counts.
        #expect(after - before < 40, "before \(before), after \(after)")
    }
}
