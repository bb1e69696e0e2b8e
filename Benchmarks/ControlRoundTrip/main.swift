// udplab-control-bench: the latency of starting and stopping an engine through the control
// socket, as a client sees it. A benchmark program, not a test: `make bench-control` runs it
// against a release daemon and writes docs/control-latency.md.
//
//     udplab-control-bench SOCKET [CYCLES] [BACKEND]
//
// Each cycle sends io.udplab.Start (a transient echo engine on 127.0.0.1:0) and then
// io.udplab.Stop on one connection, and times each reply and the pair.

import FoundationEssentials
import Histogram
import UDPLabOS
import UDPLabProtocol

/// A connection that sends one call and waits for its reply.
struct BenchClient: ~Copyable {
    let socket: UnixStreamSocket
    var reader = FrameReader()
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    init(path: String) throws {
        socket = try UnixStreamSocket.connect(path: path)
    }

    mutating func call(_ frame: Data) throws -> VarlinkReply {
        try frame.withUnsafeBytes { try socket.writeAll($0, timeout: .seconds(5)) }
        while true {
            if let reply = try reader.nextFrame() { return try VarlinkReply(frame: reply) }
            let count = try buffer.withUnsafeMutableBytes { try socket.read(into: $0) }
            guard count > 0 else { throw SystemError(code: 104, operation: "daemon closed the connection") }
            buffer.withUnsafeBytes { reader.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    StandardError.write("usage: udplab-control-bench SOCKET [CYCLES] [BACKEND]\n")
    CurrentProcess.exit(64)
}
let cycles = arguments.count > 2 ? Int(arguments[2]) ?? 1000 : 1000
let backend = arguments.count > 3 ? arguments[3] : Backend.default.rawValue

var client = try BenchClient(path: arguments[1])
let start = try VarlinkCall(
    method: StartMethod.name,
    parameters: StartMethod.Parameters(
        name: "bench",
        kind: "echo",
        options: [.backend: .text(backend), .bind: .text("127.0.0.1:0")],
        transient: true
    )
).frame()
let stop = try VarlinkCall(method: StopMethod.name, parameters: StopMethod.Parameters(names: ["bench"])).frame()

var starts = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
var stops = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
var pairs = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
for _ in 0..<cycles {
    let t0 = MonotonicClock.nanoseconds()
    let started = try client.call(start)
    let t1 = MonotonicClock.nanoseconds()
    let stopped = try client.call(stop)
    let t2 = MonotonicClock.nanoseconds()
    guard started.error == nil, stopped.error == nil else {
        StandardError.write("error: \(started.error ?? stopped.error ?? "")\n")
        CurrentProcess.exit(1)
    }
    _ = starts.record((t1 - t0) / 1000)
    _ = stops.record((t2 - t1) / 1000)
    _ = pairs.record((t2 - t0) / 1000)
}

func row(_ name: String, _ histogram: Histogram<UInt64>) -> String {
    func ms(_ microseconds: UInt64) -> String { PrintfNumber.fixed(Double(microseconds) / 1000, digits: 3) }
    return "| \(name) | \(ms(histogram.valueAtPercentile(50))) | \(ms(histogram.valueAtPercentile(99))) "
        + "| \(ms(histogram.valueAtPercentile(99.9))) | \(ms(histogram.max)) |"
}
print("| call (\(cycles) cycles, backend \(backend)) | p50 ms | p99 ms | p99.9 ms | max ms |")
print("|---|---|---|---|---|")
print(row("Start", starts))
print(row("Stop", stops))
print(row("Start + Stop", pairs))
