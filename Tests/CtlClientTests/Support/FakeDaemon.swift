import Foundation
import Synchronization
import UDPLabOS
import UDPLabProtocol

/// A scripted varlink server on a real Unix socket in a temporary directory.
///
/// It accepts one connection and, for each entry of its script, reads one call frame, records
/// it, and writes that entry's reply frames (none: it stays silent until the client hangs up).
/// Every wait has a deadline, so a broken client fails the test instead of hanging it.
final class FakeDaemon: Sendable {
    /// The socket's path.
    let path: String
    private let directory: URL
    private let calls = Mutex<[String]>([])
    private let finished = DispatchSemaphore(value: 0)

    /// Listens at a fresh path and serves `script` on a background thread.
    /// - Parameter script: per expected call, the reply frames to send (each ending in NUL).
    init(script: [[Data]]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("udplabctl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("control.sock").path
        let listener = try UnixStreamSocket.listen(path: path, mode: 0o600)
        let box = ListenerBox(listener)
        DispatchQueue.global().async { [self] in
            defer { finished.signal() }
            guard let listener = box.take() else { return }
            try? serve(listener, script: script)
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The call frames received so far, as text without their NUL.
    var receivedCalls: [String] { calls.withLock { $0 } }

    /// Waits (at most five seconds) until the server has finished its script and closed.
    /// - Returns: `false` when it did not finish in time.
    @discardableResult
    func waitUntilFinished() -> Bool {
        finished.wait(timeout: .now() + 5) == .success
    }

    /// Accepts one client and plays `script` to it.
    private func serve(_ listener: borrowing UnixStreamSocket, script: [[Data]]) throws {
        guard try listener.waitReadable(timeout: .seconds(5)), let connection = try listener.accept() else { return }
        var reader = FrameReader()
        for replies in script {
            guard let frame = try readFrame(from: connection, with: &reader) else { return }
            calls.withLock { $0.append(String(decoding: frame, as: UTF8.self)) }
            guard !replies.isEmpty else {
                // Silent: hold the connection until the client gives up.
                _ = try connection.waitReadable(timeout: .seconds(5))
                return
            }
            for reply in replies {
                try reply.withUnsafeBytes { try connection.writeAll($0, timeout: .seconds(5)) }
            }
        }
    }
}

/// Reads from `connection` until `reader` holds a whole frame.
/// - Returns: the frame, or `nil` when the client hung up or sent nothing for five seconds.
private func readFrame(from connection: borrowing UnixStreamSocket, with reader: inout FrameReader) throws -> Data? {
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        if let frame = try reader.nextFrame() { return frame }
        guard try connection.waitReadable(timeout: .seconds(5)) else { return nil }
        let count = try buffer.withUnsafeMutableBytes { try connection.read(into: $0) }
        guard count > 0 else { return nil }
        buffer.withUnsafeBytes { reader.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }
}

/// Hands a non-copyable listener to the server thread exactly once.
private final class ListenerBox: Sendable {
    private let listener: Mutex<UnixStreamSocket?>

    init(_ listener: consuming UnixStreamSocket) {
        self.listener = Mutex(listener)
    }

    /// The listener; `nil` on a second call.
    func take() -> UnixStreamSocket? {
        listener.withLock { $0.take() }
    }
}

/// Reply frames as the daemon would write them.
enum ReplyFrame {
    /// A successful reply carrying `parameters`.
    static func success<P: Encodable>(_ parameters: P, continues: Bool = false) throws -> Data {
        try VarlinkReply(parameters, continues: continues).frame()
    }

    /// An error reply.
    static func error(_ error: ControlError) -> Data {
        VarlinkReply(error).frame()
    }

    /// Raw bytes followed by the NUL that ends a frame.
    static func raw(_ text: String) -> Data {
        Data(text.utf8) + [0]
    }
}
