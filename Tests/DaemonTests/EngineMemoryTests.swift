import Foundation
import Testing
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol

/// What an engine reserves, read from the kernel (`/proc/PID/status`) of a real `udplabd run`.
@Suite("What an engine reserves")
struct EngineMemoryTests {
    /// The virtual size, in bytes, of `udplabd run echo --backend backend --queue queue
    /// --buffer 65535` once it has echoed a datagram (so its thread has run and allocated).
    private static func virtualSize(backend: String, queue: Int) throws -> Int {
        let child = try ChildProcess(udplabd: [
            "run", "echo", "--backend", backend, "--bind", "127.0.0.1:0", "--queue", "\(queue)", "--buffer", "65535",
            "--trace",
        ])
        defer {
            child.terminate()
            _ = try? child.waitForExit()
        }
        let listening = try child.waitForLine { $0.hasPrefix("listening on ") }
        let addressText = listening.dropFirst("listening on ".count).split(separator: " ")[0]
        let address = try SocketAddress(parsing: String(addressText))
        let client = try UDPSocket(binding: .init(loopbackPort: 0))
        let hello = Array("hello".utf8)
        _ = try hello.withUnsafeBytes { try client.send($0, to: address) }
        _ = try child.waitForLine { $0.hasPrefix("sent 5 bytes to ") }

        let status = try String(contentsOfFile: "/proc/\(child.pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmSize:") })
        let kibibytes = try #require(Int(line.split(separator: " ").dropFirst().first ?? ""))
        return kibibytes * 1024
    }

    @Test("task-mpsc, whose queue is its channel, reserves no outgoing queue of --queue × --buffer bytes")
    func taskMPSCHasNoOutgoingQueue() throws {
        // 4096 slots of 65535 bytes are 256 MiB: backend task reserves them (the control) …
        let task = try Self.virtualSize(backend: "task", queue: 4096) - Self.virtualSize(backend: "task", queue: 1)
        #expect(task > 192 << 20, "task: \(task >> 20) MiB more with --queue 4096")
        // … and task-mpsc only its channel's 4096 entries and what each datagram holds.
        let mpsc =
            try Self.virtualSize(backend: "task-mpsc", queue: 4096) - Self.virtualSize(backend: "task-mpsc", queue: 1)
        #expect(mpsc < 32 << 20, "task-mpsc: \(mpsc >> 20) MiB more with --queue 4096")
    }
}
