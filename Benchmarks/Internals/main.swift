// udplab-internals: what one datagram costs on each backend and strategy, measured on live
// engines. `make internals` runs it and writes docs/internals.md's table.
//
// For each engine it sends datagrams one at a time (ping-pong: the next only once the engine
// has finished with the previous one and waits again), then divides the counters' growth by
// the number of datagrams.

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

/// One row: the per-datagram costs of `spec`, `target` being the socket datagrams go to.
func measure(_ label: String, _ spec: EngineSpec, target: (Engine) -> SocketAddress) throws -> String {
    let engine = try Engine.start(spec)
    defer { engine.stop() }
    let client = try UDPSocket(binding: SocketAddress(loopbackPort: 0))
    var buffer = [UInt8](repeating: 0, count: 64)
    let echoes = spec.kind == .echo
    waitUntil { engine.counters.isWaiting }
    // Warm up, then measure from an idle engine.
    let before = engine.counterSnapshot()
    for round in 0..<rounds {
        _ = try [UInt8(round & 0xFF)].withUnsafeBytes { try client.send($0, to: target(engine)) }
        waitUntil { engine.counters.rxDatagrams.value == before.rxDatagrams + UInt64(round + 1) }
        if echoes {
            while true {
                if case .processed = try buffer.withUnsafeMutableBytes({ try client.receive(into: $0) }) { break }
            }
        }
        waitUntil { engine.counters.isWaiting }
    }
    let after = engine.counterSnapshot()
    // n/a where the backend cannot see the counter (nio, nio-async: SwiftNIO's loop).
    func per(_ counter: LoopCounter) -> String {
        guard let after = after.value(counter), let before = before.value(counter) else { return "n/a" }
        return PrintfNumber.fixed(Double(after - before) / Double(rounds), digits: 2)
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
