import Synchronization
import Testing

@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// `--threads N`: N loops on N `SO_REUSEPORT` sockets of one address, started and stopped as one
/// engine, their counters summed; `--steer cpu`: each datagram served by the thread of its CPU.
@Suite("Engine threads", .serialized)
struct ThreadsTests {
    static let backends: [Backend] = [
        .select, .poll, .epollLevel, .epollEdge, .reactorEdge, .task, .mmsg, .gso, .uring,
    ]

    @Test("--threads 2: one port, both threads serve, every datagram echoed, counters summed", arguments: backends)
    func twoThreads(backend: Backend) throws {
        if backend == .uring, let reason = Backend.uring.unavailableReason {
            Issue.record("io_uring unavailable here: \(reason)")
            return
        }
        let engine = try Engine.start(EngineSpec(backend: backend, bind: SocketAddress(loopbackPort: 0), threads: 2))
        defer { engine.stop() }
        #expect(engine.sockets.addresses.count == 2)
        #expect(Set(engine.sockets.addresses) == [engine.localAddress], "both sockets on the one address")
        // 32 flows: the kernel's hash puts all of them on one socket with probability 2^-31.
        var clients: [TestClient] = []
        for _ in 0..<32 { clients.append(try TestClient()) }
        for (index, client) in clients.enumerated() {
            for round in 0..<4 {
                try client.send([UInt8(index), UInt8(round)], to: engine.localAddress)
            }
        }
        for (index, client) in clients.enumerated() {
            for round in 0..<4 {
                #expect(try client.expectDatagram() == [UInt8(index), UInt8(round)], "flow \(index) in order")
            }
        }
        let shares = engine.laneShares
        #expect(shares.count == 2)
        #expect(shares.allSatisfy { $0 > 0 }, "both threads served: \(shares)")
        let counters = engine.counterSnapshot()
        #expect(counters.rxDatagrams == 128 && shares.reduce(0, +) == 128)
        #expect(counters.txDatagrams == 128)
        #expect(engine.residenceSummary().count == 128)
    }

    @Test("Stopping a threaded engine closes every socket: the port can be bound again")
    func stopClosesAll() throws {
        let engine = try Engine.start(EngineSpec(backend: .epollEdge, bind: SocketAddress(loopbackPort: 0), threads: 3))
        let address = engine.localAddress
        engine.stop()
        #expect(engine.state == .stopped)
        _ = try UDPSocket(binding: address)
    }

    @Test("--steer cpu: datagrams from a sender on CPU k are served by thread k")
    func steerByCPU() throws {
        guard OSThread.onlineCPUs >= 2 else {
            Issue.record("SKIPPED: --steer cpu needs 2 CPUs to show, this host has \(OSThread.onlineCPUs)")
            return
        }
        let engine = try Engine.start(
            EngineSpec(backend: .epollEdge, bind: SocketAddress(loopbackPort: 0), threads: 2, steer: .cpu)
        )
        defer { engine.stop() }
        let address = engine.localAddress
        for cpu in 0..<2 {
            let before = engine.laneShares
            let outcome = Mutex<Result<Int, any Error>?>(nil)
            // Over loopback the kernel handles a datagram on the sending CPU.
            let sender = try OSThread.spawn(name: "steer-\(cpu)") {
                do {
                    try OSThread.pinCurrentThread(toCPU: cpu)
                    // 10 flows: the kernel's hash alone would put them all on thread `cpu` with
                    // probability 2^-10.
                    var echoed = 0
                    for _ in 0..<10 {
                        let client = try TestClient()
                        for index in 0..<5 {
                            try client.send([UInt8(index)], to: address)
                            if try client.expectDatagram() == [UInt8(index)] { echoed += 1 }
                        }
                    }
                    outcome.withLock { $0 = .success(echoed) }
                } catch {
                    outcome.withLock { $0 = .failure(error) }
                }
            }
            sender.join()
            #expect(try outcome.withLock { $0 }?.get() == 50)
            let after = engine.laneShares
            #expect(after[cpu] - before[cpu] == 50, "CPU \(cpu): shares \(before) → \(after)")
            #expect(after[1 - cpu] == before[1 - cpu], "CPU \(cpu): the other thread got none")
        }
    }

    @Test(
        "--threads and --steer are checked",
        arguments: [
            (
                EngineSpec(backend: .nio, threads: 2),
                "--threads does not apply to backend nio: SwiftNIO runs its own event loops"
            ),
            (
                EngineSpec(kind: .multisocket, threads: 2),
                "--threads does not apply to kind multisocket: it is for echo engines"
            ),
            (EngineSpec(steer: .cpu), "--steer cpu needs --threads 2 or more"),
            (EngineSpec(threads: 65), "--threads 65 is out of range: use 1–64"),
        ]
    )
    func checked(spec: EngineSpec, message: String) {
        #expect(spec.problems().map(\.message) == [message])
    }
}
