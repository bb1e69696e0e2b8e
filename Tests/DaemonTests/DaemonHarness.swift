import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

/// A real `udplabd` on a temporary socket, state directory and config, for integration tests.
final class DaemonHarness {
    let directory: String
    let socketPath: String
    let stateDirectory: String
    let configPath: String
    private(set) var child: ChildProcess?

    /// A minimal config with no engines (tests start what they need).
    static let emptyConfig = "[daemon]\nstats_interval = \"1h\"\n"

    /// Prepares a temporary directory (world-readable, so an unprivileged peer can reach the socket).
    init(config: String = DaemonHarness.emptyConfig) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent(
            "udplab-\(UUID().uuidString.prefix(8))"
        )
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: base.path)
        directory = base.path
        socketPath = base.appendingPathComponent("udplabd.sock").path
        stateDirectory = base.appendingPathComponent("state").path
        configPath = base.appendingPathComponent("udplabd.toml").path
        try writeConfig(config)
    }

    deinit {
        if let child, child.isRunning {
            child.kill()
            _ = try? child.waitForExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Replaces the config file.
    func writeConfig(_ text: String) throws {
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// The state file's path.
    var stateFile: String { stateDirectory + "/engines.json" }

    /// Starts the daemon (through `launcher`, a program and its arguments that exec udplabd, when
    /// given) and waits until it reports ready.
    @discardableResult
    func start(
        extraArguments: [String] = [],
        environment: [String: String] = [:],
        launcher: [String] = []
    ) throws -> ChildProcess {
        let command =
            launcher + [ChildProcess.productPath("udplabd"), "--config", configPath, "--socket", socketPath]
            + ["--state-dir", stateDirectory] + extraArguments
        let child = try ChildProcess(
            executable: command[0],
            arguments: Array(command.dropFirst()),
            environment: environment
        )
        self.child = child
        try child.waitForStderrLine { $0.contains("daemon ready") }
        return child
    }

    /// Stops the daemon with SIGTERM and returns its exit status.
    func stop() throws -> Int32 {
        guard let child else { throw ChildFailure("daemon not started") }
        child.terminate()
        return try child.waitForExit()
    }

    /// Connects a raw varlink client.
    func connect() throws -> RawVarlinkClient {
        try RawVarlinkClient(path: socketPath)
    }

    /// Runs `udplabctl --socket … arguments` and returns its status and output.
    func ctl(_ arguments: [String], asNobody: Bool = false) throws -> (status: Int32, stdout: String, stderr: String) {
        let ctl = ChildProcess.productPath("udplabctl")
        let command = ["--socket", socketPath] + arguments
        if asNobody {
            return try ChildProcess.run(
                "/usr/bin/setpriv",
                ["--reuid=nobody", "--regid=nogroup", "--clear-groups", ctl] + command
            )
        }
        return try ChildProcess.run(ctl, command)
    }

    /// Runs `udplabctl … --json` and decodes its output.
    func ctlJSON<T: Decodable>(_ arguments: [String], as type: T.Type) throws -> T {
        let (status, stdout, stderr) = try ctl(arguments + ["--json"])
        guard status == 0 else { throw ChildFailure("udplabctl \(arguments) exited \(status): \(stderr)") }
        return try JSONDecoder().decode(T.self, from: Data(stdout.utf8))
    }
}

/// A varlink client that writes exactly the bytes a test gives it.
final class RawVarlinkClient {
    let socket: UnixStreamSocket
    private var reader = FrameReader(limit: 16 * 1024 * 1024)

    init(path: String) throws {
        socket = try UnixStreamSocket.connect(path: path)
    }

    /// Writes `bytes` as they are.
    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try socket.writeAll($0, timeout: .seconds(5)) }
    }

    /// Writes a JSON text followed by NUL.
    func send(_ json: String) throws {
        try write(Array(json.utf8) + [0])
    }

    /// Calls `method` with `parameters` (a JSON object text) and returns the first reply.
    func call(
        _ method: String,
        _ parameters: String = "{}",
        more: Bool = false,
        oneway: Bool = false
    ) throws -> VarlinkReply {
        var call = "{\"method\":\"\(method)\",\"parameters\":\(parameters)"
        if more { call += ",\"more\":true" }
        if oneway { call += ",\"oneway\":true" }
        try send(call + "}")
        return try readReply()
    }

    /// Reads one reply, waiting at most `timeout`.
    func readReply(timeout: Duration = .seconds(5)) throws -> VarlinkReply {
        guard let frame = try readFrame(timeout: timeout) else { throw ChildFailure("no reply within \(timeout)") }
        return try VarlinkReply(frame: frame)
    }

    /// Reads one frame, or `nil` when the daemon closed the connection or `timeout` passed.
    func readFrame(timeout: Duration) throws -> Data? {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let frame = try reader.nextFrame() { return frame }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero, try socket.waitReadable(timeout: remaining) else { return nil }
            let count = try buffer.withUnsafeMutableBytes { try socket.read(into: $0) }
            if count == 0 { return nil }
            buffer.withUnsafeBytes { reader.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
    }

    /// `true` once the daemon has closed the connection (read returns end of file).
    func isClosedByPeer(timeout: Duration = .seconds(5)) throws -> Bool {
        try readFrame(timeout: timeout) == nil && (try socket.waitReadable(timeout: .zero))
    }
}

extension VarlinkReply {
    /// The reply's parameters as a dictionary, for assertions.
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: parameters)) as? [String: Any] ?? [:]
    }
}
