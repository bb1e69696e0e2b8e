import Foundation
import Testing

@testable import UDPLabEngineKit
@testable import UDPLabOS

@Suite("Reactor")
struct ReactorTests {
    @Test("Events carry the token their source was registered with")
    func routesTokens() throws {
        let counters = EngineCounters()
        let reactor = try Reactor(counters: counters)
        let seven = try UDPSocket(binding: .init(loopbackPort: 0))
        let nine = try UDPSocket(binding: .init(loopbackPort: 0))
        try reactor.registry.register(seven, token: Token(7), interest: .readable, trigger: .level)
        try reactor.registry.register(nine, token: Token(9), interest: .readable, trigger: .level)
        let client = try TestClient()
        let events = Events()

        try client.send([1], to: nine.localAddress)
        try reactor.poll(events, timeout: .seconds(5))
        #expect(Array(events).map(\.token) == [Token(9)])
        #expect(Array(events).allSatisfy { $0.isReadable })

        try client.send([2], to: seven.localAddress)
        try client.send([3], to: nine.localAddress)
        try reactor.poll(events, timeout: .seconds(5))
        #expect(Set(events.map(\.token)) == [Token(7), Token(9)])
    }

    @Test("Edge-triggered: no second event before the source is drained")
    func edgeGivesOneEventUntilDrained() throws {
        let counters = EngineCounters()
        let reactor = try Reactor(counters: counters)
        let socket = try UDPSocket(binding: .init(loopbackPort: 0))
        try reactor.registry.register(socket, token: Token(0), interest: .readable, trigger: .edge)
        let client = try TestClient()
        let events = Events()

        try client.send([1], to: socket.localAddress)
        try client.send([2], to: socket.localAddress)
        try reactor.poll(events, timeout: .seconds(5))
        #expect(events.count == 1)

        // Not drained, but no new edge: nothing more.
        try reactor.poll(events, timeout: .zero)
        #expect(events.isEmpty)

        var buffer = [UInt8](repeating: 0, count: 16)
        var drained = 0
        while case .processed = try buffer.withUnsafeMutableBytes({ try socket.receive(into: $0) }) {
            drained += 1
        }
        #expect(drained == 2)

        // A new datagram after draining is a new edge.
        try client.send([3], to: socket.localAddress)
        try reactor.poll(events, timeout: .seconds(5))
        #expect(events.map(\.token) == [Token(0)])
    }

    @Test("Level-triggered: the event repeats until the source is drained")
    func levelRepeats() throws {
        let reactor = try Reactor(counters: EngineCounters())
        let socket = try UDPSocket(binding: .init(loopbackPort: 0))
        try reactor.registry.register(socket, token: Token(0), interest: .readable, trigger: .level)
        let client = try TestClient()
        let events = Events()
        try client.send([1], to: socket.localAddress)
        try reactor.poll(events, timeout: .seconds(5))
        #expect(events.count == 1)
        try reactor.poll(events, timeout: .zero)
        #expect(events.count == 1)
    }

    @Test("A waker woken from another thread unblocks poll")
    func wakerFromAnotherThread() throws {
        let counters = EngineCounters()
        let reactor = try Reactor(counters: counters)
        let waker = try Waker()
        try reactor.registry.register(waker, token: Token(3))
        let thread = try OSThread.spawn(name: "test-waker") {
            try? waitUntil("the reactor blocks") { counters.isWaiting }
            waker.wake()
        }
        defer { thread.join() }

        let events = Events()
        try reactor.poll(events, timeout: .seconds(10))
        #expect(events.map(\.token) == [Token(3)])
        #expect(waker.reset())
    }

    @Test("Readiness set on the polling thread while it is not blocked writes nothing to the waker")
    func userReadinessOnPollingThread() throws {
        let counters = EngineCounters()
        let reactor = try Reactor(counters: counters)
        let readiness = reactor.registry.registerUserSource(token: Token(5))
        let events = Events()

        readiness.set(.readable)
        try reactor.poll(events, timeout: nil)
        #expect(events.map(\.token) == [Token(5)])
        #expect(counters.wakerWrites.value == 0)
    }

    @Test("mio #785: after poll wakes on a socket, readiness set on the polling thread writes nothing")
    func mio785Regression() throws {
        let counters = EngineCounters()
        let reactor = try Reactor(counters: counters)
        let socket = try UDPSocket(binding: .init(loopbackPort: 0))
        try reactor.registry.register(socket, token: Token(0), interest: .readable, trigger: .level)
        let readiness = reactor.registry.registerUserSource(token: Token(1))
        let client = try TestClient()
        let events = Events()

        // The reactor blocks (in mio 0.6.11 this left a sleep marker behind), then wakes on the socket.
        try client.send(Array("hello".utf8), to: socket.localAddress)
        try reactor.poll(events, timeout: nil)
        #expect(events.map(\.token) == [Token(0)])

        readiness.set(.readable)
        #expect(counters.wakerWrites.value == 0, "no write while the polling thread is awake")
        try reactor.poll(events, timeout: nil)
        #expect(events.contains { $0.token == Token(1) })
        #expect(counters.wakerWrites.value == 0)
    }

    @Test("Readiness set from another thread while the poller is blocked writes to the waker exactly once")
    func userReadinessFromAnotherThread() throws {
        let counters = EngineCounters()
        let reactor = try Reactor(counters: counters)
        let readiness = reactor.registry.registerUserSource(token: Token(8))
        let thread = try OSThread.spawn(name: "test-setter") {
            try? waitUntil("the reactor blocks") { counters.isWaiting }
            readiness.set(.readable)
            readiness.set(.readable)
        }

        let events = Events()
        try reactor.poll(events, timeout: .seconds(10))
        thread.join()
        // Both sets land before or after this poll; either way they make one event, one write.
        if events.isEmpty {
            try reactor.poll(events, timeout: .zero)
        }
        #expect(events.map(\.token) == [Token(8)])
        #expect(counters.wakerWrites.value == 1)
    }
}
