import Synchronization

@testable import UDPLabOS

/// A UDP echo server on 127.0.0.1 for the bench tests: a real socket answered by a loop on its
/// own thread, which asks a policy what to do with each request.
final class BenchEchoServer: Sendable {
    /// What the server does with one request.
    enum Action: Sendable {
        /// Send it back (as the policy left it).
        case echo
        /// Discard it.
        case drop
        /// Spin for this long, then send it back: the server stalls and its queue fills.
        case stallThenEcho(Duration)
    }

    /// Decides about the request with this index (0 for the first received) and these bytes,
    /// which it may change before they are echoed.
    typealias Policy = @Sendable (_ index: Int, _ request: UnsafeMutableRawBufferPointer) -> Action

    /// Where the server listens.
    let address: SocketAddress
    private let state: State
    private let thread: OSThread

    /// What the loop shares with the test.
    private final class State: Sendable {
        let socket: UDPSocket
        let isStopping = Atomic<Bool>(false)
        let sourcePorts = Mutex<Set<UInt16>>([])
        let echoedCount = Atomic<Int>(0)

        init(socket: consuming UDPSocket) { self.socket = socket }
    }

    /// Binds a port on 127.0.0.1 and starts answering.
    /// - Parameter policy: decides about each request; echo everything by default.
    init(policy: @escaping Policy = { _, _ in .echo }) throws {
        let state = State(socket: try UDPSocket(binding: SocketAddress(loopbackPort: 0)))
        address = state.socket.localAddress
        self.state = state
        thread = try OSThread.spawn(name: "bench-echo") { Self.serve(state, policy: policy) }
    }

    /// The source ports requests came from.
    var sourcePorts: Set<UInt16> { state.sourcePorts.withLock { $0 } }

    /// Requests sent back so far.
    var echoedCount: Int { state.echoedCount.load(ordering: .acquiring) }

    /// Stops the loop and waits for its thread. Call it once.
    func stop() {
        state.isStopping.store(true, ordering: .releasing)
        thread.join()
    }

    /// The loop: wait (at most 10 ms, to notice ``stop()``), then answer everything queued.
    private static func serve(_ state: State, policy: Policy) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 8)
        defer { buffer.deallocate() }
        var pollSet = PollSet()
        pollSet.append(state.socket.descriptor, events: .readable)
        var index = 0
        while !state.isStopping.load(ordering: .acquiring) {
            _ = try? pollSet.wait(timeout: .milliseconds(10))
            while case .processed(let datagram)? = try? state.socket.receive(into: buffer) {
                state.sourcePorts.withLock { _ = $0.insert(datagram.source.port) }
                let request = UnsafeMutableRawBufferPointer(rebasing: buffer[..<datagram.byteCount])
                let action = policy(index, request)
                index += 1
                switch action {
                case .drop: continue
                case .echo: break
                case .stallThenEcho(let stall):
                    let until = MonotonicClock.nanoseconds() + UInt64(stall / .nanoseconds(1))
                    while MonotonicClock.nanoseconds() < until {}
                }
                _ = try? state.socket.send(UnsafeRawBufferPointer(request), to: datagram.source)
                state.echoedCount.add(1, ordering: .releasing)
            }
        }
    }
}
