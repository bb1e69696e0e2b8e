import Foundation
import Synchronization
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol

/// A udplab binary run as a child process, its output collected as it comes.
final class ChildProcess: Sendable {
    private let process: Process
    private let output = Output()
    private let exited = DispatchSemaphore(value: 0)
    private let stdoutPipe: Pipe
    private let stderrPipe: Pipe

    /// The package's root directory (this file is Tests/DaemonTests/ChildProcess.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A built product (`udplabd`, `udplabctl`) in `.build/debug`.
    static func productPath(_ name: String) -> String {
        packageRoot.appendingPathComponent(".build/debug/\(name)").path
    }

    /// A file under `packaging/`.
    static func packagingPath(_ name: String) -> String {
        packageRoot.appendingPathComponent("packaging/\(name)").path
    }

    /// Starts `udplabd` with `arguments`.
    convenience init(udplabd arguments: [String]) throws {
        try self.init(executable: Self.productPath("udplabd"), arguments: arguments)
    }

    /// Starts `executable` with `arguments`, and `environment` added to this process's own.
    init(executable: String, arguments: [String], environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.arguments = arguments
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        let output = self.output
        // One handler call at a time per pipe, in the order the bytes came; bytes, not text, so
        // that a character split between two reads is whole when read back. Each call reads and
        // appends under the output's lock, so that once waitForExit(timeout:) has stopped the
        // handlers, no call is half done.
        for (pipe, isStdout) in [(stdoutPipe, true), (stderrPipe, false)] {
            pipe.fileHandleForReading.readabilityHandler = { handle in
                output.withLock { captured in
                    guard !captured.isDrained else { return }
                    let data = handle.availableData
                    guard !data.isEmpty else {
                        handle.readabilityHandler = nil
                        return
                    }
                    if isStdout { captured.stdout += data } else { captured.stderr += data }
                }
            }
        }
        self.stdoutPipe = stdoutPipe
        self.stderrPipe = stderrPipe
        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
    }

    var stdout: String { output.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
    var stderr: String { output.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

    /// Waits until stdout has a line matching `predicate`, and returns it.
    func waitForLine(timeout: Duration = .seconds(10), where predicate: (Substring) -> Bool) throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = stdout.split(separator: "\n").first(where: predicate) { return String(line) }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.005)
        }
        throw ChildFailure("no matching line; stdout: \(stdout) stderr: \(stderr)")
    }

    /// Waits until stderr has a line matching `predicate`.
    func waitForStderrLine(timeout: Duration = .seconds(10), where predicate: (Substring) -> Bool) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if stderr.split(separator: "\n").contains(where: predicate) { return }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.005)
        }
        throw ChildFailure("no matching stderr line; stderr: \(stderr)")
    }

    /// `true` while the process runs.
    var isRunning: Bool { process.isRunning }

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    /// Sends SIGKILL.
    func kill() { Foundation.kill(process.processIdentifier, SIGKILL) }

    /// Sends SIGHUP.
    func hangUp() { Foundation.kill(process.processIdentifier, SIGHUP) }

    /// Sends SIGINT.
    func interrupt() { process.interrupt() }

    /// Sends SIGTERM.
    func terminate() { process.terminate() }

    /// Waits for the process to exit and returns its status, with its output fully read.
    func waitForExit(timeout: Duration = .seconds(10)) throws -> Int32 {
        guard exited.wait(timeout: .now() + timeout.seconds) == .success else {
            process.terminate()
            throw ChildFailure("still running after \(timeout)")
        }
        // The pipes may still hold the last lines. All the child wrote is in them once it has
        // exited (a pipe write is done when it returns), so they are read until they are empty,
        // not until end of file: a process spawned meanwhile by a test running in parallel may
        // have inherited their write ends and hold them open for as long as it runs.
        output.withLock { captured in
            captured.isDrained = true
            captured.stdout += Self.readAvailable(stdoutPipe.fileHandleForReading.fileDescriptor)
            captured.stderr += Self.readAvailable(stderrPipe.fileHandleForReading.fileDescriptor)
        }
        stdoutPipe.fileHandleForReading.readabilityHandler = nil
        stderrPipe.fileHandleForReading.readabilityHandler = nil
        return process.terminationStatus
    }

    /// What can be read from `descriptor` now, without waiting.
    private static func readAvailable(_ descriptor: Int32) -> Data {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return data }
            data.append(contentsOf: buffer[..<count])
        }
    }

    /// Runs `udplabd` with `arguments` to completion.
    static func runUdplabd(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try run(productPath("udplabd"), arguments)
    }

    /// Runs `executable` with `arguments` to completion.
    static func run(
        _ executable: String,
        _ arguments: [String]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ChildProcess(executable: executable, arguments: arguments)
        let status = try child.waitForExit()
        return (status, child.stdout, child.stderr)
    }
}

/// What a child wrote so far, appended from the pipes' reader threads.
private final class Output: Sendable {
    private let text = Mutex((stdout: Data(), stderr: Data(), isDrained: false))

    /// `isDrained`: the child has exited and its pipes were read to empty; the readers stop.
    func withLock<R>(_ body: (inout (stdout: Data, stderr: Data, isDrained: Bool)) -> R) -> R {
        text.withLock { body(&$0) }
    }
}

struct ChildFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
