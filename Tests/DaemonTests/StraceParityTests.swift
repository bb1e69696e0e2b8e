import Foundation
import Testing
import UDPLabOS

/// Issue 12's acceptance: the engines' counters equal what strace sees for their threads.
/// `udplabd run echo --backend gso --threads 2 --steer cpu` runs under `strace -f`; after single
/// datagrams and GSO trains from two flows, its statistics (syscalls, wakeups, gro buffers, gso
/// sends, each thread's received datagrams) are compared with strace's record.
///
/// What the engine counts as its syscalls: each lane's socket setup on the thread that starts it
/// (setsockopt UDP_GRO, getsockopt UDP_SEGMENT, epoll_create1 and the two epoll_ctl on it) and
/// its loop thread's epoll_wait, recvmmsg, sendmmsg and the waker's read. Not the loop's, so not
/// counted: the thread's start and end (rseq, set_robust_list, sched_setaffinity, close, exit)
/// and the kernel-drop gauge's getsockopt(SO_MEMINFO).
@Suite("Counters against strace", .serialized)
struct StraceParityTests {
    static let strace = "/usr/bin/strace"
    static let segment = 50

    @Test(
        "gso --threads 2 --steer cpu: syscalls, wakeups, gro buffers, gso sends and each thread's rx equal strace -f's"
    )
    func gsoThreadsMatchStrace() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.strace) else {
            print("SKIPPED: StraceParityTests needs strace (make deps installs it): \(Self.strace) is missing")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("udplab-strace-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tracePath = directory + "/trace"
        let child = try ChildProcess(
            executable: Self.strace,
            arguments: [
                "-f", "-qq", "-o", tracePath, ChildProcess.productPath("udplabd"), "run", "echo", "--backend", "gso",
                "--threads", "2", "--steer", "cpu", "--bind", "127.0.0.1:0",
            ]
        )
        let listening = try child.waitForLine(timeout: .seconds(20)) { $0.hasPrefix("listening on ") }
        let address = try SocketAddress(parsing: String(listening.split(separator: " ")[2]))

        try Self.exchange(with: address)
        try Self.exchange(with: address)

        // SIGTERM to udplabd itself (strace's child), which prints its statistics and exits; strace follows.
        let children = try String(contentsOfFile: "/proc/\(child.pid)/task/\(child.pid)/children", encoding: .utf8)
        let daemon = try #require(children.split(separator: " ").first.flatMap { Int32($0) })
        kill(daemon, SIGTERM)
        #expect(try child.waitForExit(timeout: .seconds(20)) == 0)

        let summary = Summary(child.stdout)
        let trace = try Trace(contentsOf: tracePath)
        let setsockopts = trace.calls.filter { $0.name == "setsockopt" }.prefix(12).map(\.text)
        #expect(
            trace.lanes.count == 2,
            "two engine sockets in the trace: \(trace.lanes); \(trace.calls.count) calls; setsockopt: \(setsockopts)"
        )
        #expect(summary.syscalls == trace.countedSyscalls, "\(child.stdout)")
        #expect(summary.wakeups == trace.loopCalls(named: "epoll_wait"), "\(child.stdout)")
        #expect(summary.groBuffers == trace.occurrences(of: "cmsg_type=0x68", in: "recvmmsg"), "UDP_GRO messages")
        #expect(summary.gsoSends == trace.occurrences(of: "cmsg_type=0x67", in: "sendmmsg"), "UDP_SEGMENT messages")
        #expect(summary.groBuffers == 10 && summary.gsoSends == 10, "\(child.stdout)")
        #expect(summary.threadRx.count == 2)
        for (index, lane) in trace.lanes.enumerated() where index < summary.threadRx.count {
            #expect(summary.threadRx[index] == trace.receivedBytes(on: lane) / Self.segment, "thread \(index)")
        }
        let expected: Int = 2 * (10 + 5 * 8)
        #expect(summary.threadRx.reduce(0, +) == expected)
    }

    /// Two flows, each: ten lone datagrams ping-pong, then five GSO trains of eight, every echo awaited.
    static func exchange(with address: SocketAddress) throws {
        let client = try UDPSocket(binding: .init(loopbackPort: 0))
        var buffer = [UInt8](repeating: 0, count: 2048)
        func awaitEchoes(_ count: Int) throws {
            var received = 0
            let deadline = ContinuousClock.now + .seconds(10)
            while received < count, ContinuousClock.now < deadline {
                if case .processed(let datagram) = try buffer.withUnsafeMutableBytes({ try client.receive(into: $0) }) {
                    #expect(datagram.byteCount == segment)
                    received += 1
                }
            }
            #expect(received == count)
        }
        for _ in 0..<10 {
            _ = try [UInt8](repeating: 1, count: segment).withUnsafeBytes { try client.send($0, to: address) }
            try awaitEchoes(1)
        }
        for _ in 0..<5 {
            let train = [UInt8](repeating: 2, count: 8 * segment)
            _ = try train.withUnsafeBytes { try client.send($0, segmentSize: segment, to: address) }
            try awaitEchoes(8)
        }
    }
}

/// The statistics `udplabd run` prints when it stops.
private struct Summary {
    var syscalls = -1
    var wakeups = -1
    var groBuffers = -1
    var gsoSends = -1
    var threadRx: [Int] = []

    init(_ text: String) {
        func number(after prefix: String, in line: Substring) -> Int? {
            guard let range = line.range(of: prefix) else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("syscalls ") { syscalls = number(after: "syscalls ", in: trimmed) ?? -1 }
            if trimmed.hasPrefix("wakeups ") { wakeups = number(after: "wakeups ", in: trimmed) ?? -1 }
            if trimmed.hasPrefix("gro buffers ") {
                groBuffers = number(after: "gro buffers ", in: trimmed) ?? -1
                gsoSends = number(after: "gso sends ", in: trimmed) ?? -1
            }
            if trimmed.hasPrefix("rx on thread "), let colon = trimmed.firstIndex(of: ":") {
                threadRx.append(
                    Int(trimmed[trimmed.index(after: colon)...].drop { $0 == " " }.prefix { $0.isNumber }) ?? -1
                )
            }
        }
    }
}

/// `strace -f` output, unfinished and resumed halves joined: one call per entry.
private struct Trace {
    struct Call {
        let thread: Int
        let name: String
        let text: String
    }

    /// One lane: its socket, the thread that set it up (whichever thread `udplabd run` started
    /// the engine on: its async main may run on any of the runtime's threads), its epoll
    /// instance and the thread that served it.
    struct Lane: CustomStringConvertible {
        let socket: Int
        let setupThread: Int
        var epoll: Int?
        var thread: Int?
        var description: String { "socket \(socket) setup \(setupThread) epoll \(epoll ?? -1) thread \(thread ?? -1)" }
    }

    let calls: [Call]
    let lanes: [Lane]

    init(contentsOf path: String) throws {
        var pending: [Int: String] = [:]
        var calls: [Call] = []
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            guard let space = line.firstIndex(of: " "), let thread = Int(line[..<space]) else { continue }
            // strace pads the id to 5 columns ("%-5d "): a shorter one is followed by more spaces.
            var rest = String(line[line.index(after: space)...].drop { $0 == " " })
            if rest.hasPrefix("<... "), let resumed = rest.range(of: " resumed>") {
                rest = (pending.removeValue(forKey: thread) ?? "") + rest[resumed.upperBound...]
            } else if rest.hasSuffix(" <unfinished ...>") {
                pending[thread] = String(rest.dropLast(" <unfinished ...>".count))
                continue
            }
            guard let paren = rest.firstIndex(of: "(") else { continue }
            calls.append(Call(thread: thread, name: String(rest[..<paren]), text: rest))
        }
        self.calls = calls
        var lanes: [Lane] = []
        var previous: [Int: Call] = [:]  // each thread's call before this one
        for call in calls {
            if call.name == "setsockopt", call.text.contains("SOL_UDP, UDP_GRO"), let fd = Self.firstArgument(call) {
                lanes.append(Lane(socket: fd, setupThread: call.thread))
            }
            if call.name == "epoll_create1", previous[call.thread]?.text.contains("UDP_SEGMENT") == true,
                let index = lanes.lastIndex(where: { $0.setupThread == call.thread && $0.epoll == nil })
            {
                lanes[index].epoll = Self.result(call)
            }
            previous[call.thread] = call
        }
        for index in lanes.indices {
            lanes[index].thread =
                calls.first { $0.name == "recvmmsg" && Self.firstArgument($0) == lanes[index].socket }?.thread
        }
        self.lanes = lanes
    }

    /// What the engine counts: each lane's setup on its setup thread and its loop thread's I/O.
    var countedSyscalls: Int {
        var count = 0
        for lane in lanes {
            count +=
                calls.filter { call in
                    guard call.thread == lane.setupThread else { return false }
                    switch call.name {
                    case "setsockopt":
                        return call.text.contains("SOL_UDP, UDP_GRO") && Self.firstArgument(call) == lane.socket
                    case "getsockopt":
                        return call.text.contains("SOL_UDP, UDP_SEGMENT") && Self.firstArgument(call) == lane.socket
                    case "epoll_create1": return Self.result(call) == lane.epoll
                    case "epoll_ctl": return Self.firstArgument(call) == lane.epoll
                    default: return false
                    }
                }.count
            count +=
                calls.filter {
                    $0.thread == lane.thread && ["epoll_wait", "recvmmsg", "sendmmsg", "read"].contains($0.name)
                }
                .count
        }
        return count
    }

    /// How many calls named `name` the loop threads made.
    func loopCalls(named name: String) -> Int {
        let threads = Set(lanes.compactMap(\.thread))
        return calls.filter { $0.name == name && threads.contains($0.thread) }.count
    }

    /// How often `marker` appears in the calls named `name` on the loop threads.
    func occurrences(of marker: String, in name: String) -> Int {
        let threads = Set(lanes.compactMap(\.thread))
        return calls.filter { $0.name == name && threads.contains($0.thread) }
            .reduce(0) { $0 + $1.text.components(separatedBy: marker).count - 1 }
    }

    /// The bytes `lane`'s thread received: the sum of its recvmmsg messages' `msg_len` (not `cmsg_len`).
    func receivedBytes(on lane: Lane) -> Int {
        calls.filter { $0.name == "recvmmsg" && $0.thread == lane.thread }.reduce(0) { total, call in
            total
                + call.text.components(separatedBy: "}, msg_len=").dropFirst().reduce(0) { sum, piece in
                    sum + (Int(piece.prefix { $0.isNumber }) ?? 0)
                }
        }
    }

    static func firstArgument(_ call: Call) -> Int? {
        guard let paren = call.text.firstIndex(of: "(") else { return nil }
        return Int(call.text[call.text.index(after: paren)...].prefix { $0.isNumber })
    }

    static func result(_ call: Call) -> Int? {
        guard let equals = call.text.range(of: " = ", options: .backwards) else { return nil }
        return Int(call.text[equals.upperBound...].prefix { $0.isNumber || $0 == "-" })
    }
}
