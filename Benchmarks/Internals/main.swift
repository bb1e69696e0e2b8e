// udplab-internals: what one datagram costs on each backend and strategy, measured on live
// engines. `make internals` runs it and writes docs/internals.md's table.
//
// For each engine it sends datagrams one at a time (ping-pong: the next only once the engine
// has finished with the previous one and waits again), then divides the counters' growth by
// the number of datagrams. The fast-path rows send GSO trains instead (one `UDP_SEGMENT` send of
// N datagrams, the next once all N are echoed and the engine waits again), and the threaded rows
// alternate rounds between two client sockets (two flows, spread over the threads by the
// reuseport hash).

import UDPLabEngines
import UDPLabOS
import UDPLabProtocol

let rounds = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1000 : 1000

/// Waits until `condition` holds (a deadline of 10 s guards against a stuck engine).
func waitUntil(_ condition: () -> Bool) {
    let deadline = ContinuousClock.now + .seconds(10)
    while !condition() {
        precondition(ContinuousClock.now < deadline, "engine did not get there in 10 s")
        OSThread.sleep(for: .microseconds(50))
    }
}

/// One row: the per-datagram costs of `spec`, `target` being the socket datagrams go to; each
/// round is a train of `train` datagrams (one GSO send when more than 1) from the next of `flows`
/// client sockets.
func measure(
    _ label: String,
    _ spec: EngineSpec,
    train: Int = 1,
    flows: Int = 1,
    target: (Engine) -> SocketAddress
) throws -> String {
    let engine = try Engine.start(spec)
    defer { engine.stop() }
    precondition(flows == 1 || flows == 2, "one or two flows")
    let first = try UDPSocket(binding: SocketAddress(loopbackPort: 0))
    let second = try UDPSocket(binding: SocketAddress(loopbackPort: 0))
    var buffer = [UInt8](repeating: 0, count: 64)
    let segment = 16
    let echoes = spec.kind == .echo
    waitUntil { engine.isWaiting }
    // Measure from an idle engine.
    let before = engine.counterSnapshot()
    /// One round from `client`: the train out, all its echoes back, the engine waiting again.
    func exchange(_ round: Int, from client: borrowing UDPSocket) throws {
        let bytes = [UInt8](repeating: UInt8(round & 0xFF), count: train == 1 ? 1 : train * segment)
        if train == 1 {
            _ = try bytes.withUnsafeBytes { try client.send($0, to: target(engine)) }
        } else {
            _ = try bytes.withUnsafeBytes { try client.send($0, segmentSize: segment, to: target(engine)) }
        }
        let expected = before.rxDatagrams + UInt64((round + 1) * train)
        waitUntil { engine.counterSnapshot().rxDatagrams == expected }
        if echoes {
            var received = 0
            while received < train {
                if case .processed = try buffer.withUnsafeMutableBytes({ try client.receive(into: $0) }) {
                    received += 1
                }
            }
        }
        waitUntil { engine.isWaiting }
    }
    for round in 0..<rounds {
        if round % flows == 0 { try exchange(round, from: first) } else { try exchange(round, from: second) }
    }
    let after = engine.counterSnapshot()
    let datagrams = Double(rounds * train)
    // n/a where the backend cannot see the counter (nio, nio-async: SwiftNIO's loop).
    func per(_ counter: LoopCounter) -> String {
        guard let after = after.value(counter), let before = before.value(counter) else { return "n/a" }
        return PrintfNumber.fixed(Double(after - before) / datagrams, digits: 2)
    }
    return
        "| \(label) | \(per(.wakeups)) | \(per(.syscalls)) | \(per(.events)) | \(per(.taskPolls)) | \(per(.futurePolls)) | \(per(.wakerWrites)) |"
}

print("| engine | wakeups | syscalls | events | task polls | future polls | waker writes |")
print("|---|---|---|---|---|---|---|")
for backend in Backend.allCases {
    let spec = EngineSpec(backend: backend, bind: SocketAddress(loopbackPort: 0))
    print(try measure("echo --backend \(backend.rawValue)", spec) { $0.localAddress })
}
for strategy in Strategy.allCases {
    let spec = EngineSpec(kind: .multisocket, bind: SocketAddress(loopbackPort: 0), strategy: strategy, count: 10)
    print(try measure("multisocket --strategy \(strategy.rawValue) (10 sockets)", spec) { $0.sockets.addresses[4] })
}
let mixed = EngineSpec(kind: .mixed, bind: SocketAddress(loopbackPort: 0), interval: 3600)
print(try measure("mixed (datagrams only)", mixed) { $0.localAddress })

// The fast path (issue 12): GSO trains, and SO_REUSEPORT threads.
for (backend, trains) in [(Backend.gso, [4, 16, 64]), (.mmsg, [16]), (.uring, [16])] {
    for train in trains {
        let spec = EngineSpec(backend: backend, bind: SocketAddress(loopbackPort: 0))
        print(
            try measure("echo --backend \(backend.rawValue), trains of \(train)", spec, train: train) {
                $0.localAddress
            }
        )
    }
}
for (backend, train) in [(Backend.mmsg, 1), (.gso, 1), (.gso, 16)] {
    let spec = EngineSpec(backend: backend, bind: SocketAddress(loopbackPort: 0), threads: 2, steer: .hash)
    let shape = train == 1 ? "lone datagrams" : "trains of \(train)"
    print(
        try measure("echo --backend \(backend.rawValue) --threads 2 (2 flows, \(shape))", spec, train: train, flows: 2)
        {
            $0.localAddress
        }
    )
}
