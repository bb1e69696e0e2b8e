import FoundationEssentials
import Logging
import Synchronization
import UDPLabEngineKit
import UDPLabOS
import UDPLabProtocol

/// The control socket: accepts clients on its own thread and serves each on a thread of its own.
///
/// Clients are admitted within ``ClientAdmission``'s limits; one over a limit gets `LimitReached`
/// and is closed. ``stop()`` wakes every thread, waits for them, and removes the socket file.
final class ControlServer: Sendable {
    private let path: String
    /// Whether the daemon created the socket file (and so removes it at stop); an activated
    /// socket's file belongs to systemd.
    private let ownsSocketFile: Bool
    private let handler: any CallHandler
    private let logger: Logger
    private let shutdown: Waker
    /// How long a client may idle, and how long one call may take to arrive.
    private let idleTimeout: Duration
    private let admission = Mutex(ClientAdmission())
    /// Client threads by number; finished ones are joined at the next accept and at stop.
    private let threads = Mutex<(running: [Int: OSThread], finished: [Int], next: Int)>(([:], [], 0))
    private let acceptThread = Mutex<OSThread?>(nil)

    /// Why the control socket cannot be opened.
    struct OpenError: Error, CustomStringConvertible {
        let description: String
    }

    private init(
        path: String,
        ownsSocketFile: Bool,
        handler: any CallHandler,
        idleTimeout: Duration,
        logger: Logger
    ) throws(SystemError) {
        self.path = path
        self.ownsSocketFile = ownsSocketFile
        self.handler = handler
        self.idleTimeout = idleTimeout
        self.logger = logger
        self.shutdown = try Waker()
    }

    /// Binds `path` with `mode` and starts accepting.
    ///
    /// A stale socket file (nobody answers) is replaced; a live one (another daemon answers)
    /// or a file that is not a socket makes this fail with a message that says so.
    /// - Parameter idleTimeout: ``ControlProtocol/idleTimeout`` (shorter in tests).
    static func open(
        path: String,
        mode: UInt16,
        handler: any CallHandler,
        idleTimeout: Duration,
        logger: Logger
    ) throws(OpenError) -> ControlServer {
        do {
            let listener = try bindReplacingStale(path: path, mode: mode)
            let server = try ControlServer(
                path: path,
                ownsSocketFile: true,
                handler: handler,
                idleTimeout: idleTimeout,
                logger: logger
            )
            try server.startAccepting(listener)
            return server
        } catch let error as OpenError {
            throw error
        } catch {
            throw OpenError(description: "cannot listen on \(path): \(error)")
        }
    }

    /// Serves an already listening socket (systemd's socket activation) described by `path`.
    static func adopt(
        _ listener: consuming UnixStreamSocket,
        path: String,
        handler: any CallHandler,
        idleTimeout: Duration,
        logger: Logger
    ) throws(OpenError) -> ControlServer {
        do {
            let server = try ControlServer(
                path: path,
                ownsSocketFile: false,
                handler: handler,
                idleTimeout: idleTimeout,
                logger: logger
            )
            try server.startAccepting(listener)
            return server
        } catch {
            throw OpenError(description: "cannot serve the activated control socket: \(error)")
        }
    }

    /// Stops accepting, wakes every client thread, waits for them, removes the socket file.
    func stop() {
        shutdown.wake()
        acceptThread.withLock { thread in
            thread?.join()
            thread = nil
        }
        let remaining = threads.withLock { threads in
            defer { threads.running.removeAll() }
            return Array(threads.running.values)
        }
        for thread in remaining {
            thread.join()
        }
        if ownsSocketFile {
            AtomicFile.remove(path)
        }
    }

    private static func bindReplacingStale(path: String, mode: UInt16) throws -> UnixStreamSocket {
        let directory = path.parentDirectory
        if !directory.isEmpty {
            try AtomicFile.createDirectory(directory)
        }
        if let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType {
            guard type == .typeSocket else {
                throw OpenError(description: "\(path) exists and is not a socket; remove it or choose another --socket")
            }
            if isAnswering(path) {
                throw OpenError(description: "another udplabd is already listening on \(path)")
            }
            // A stale socket file: its daemon is gone.
            AtomicFile.remove(path)
        }
        return try UnixStreamSocket.listen(path: path, mode: mode)
    }

    /// `true` when something accepts connections on the socket at `path`.
    private static func isAnswering(_ path: String) -> Bool {
        do {
            _ = try UnixStreamSocket.connect(path: path)
            return true
        } catch {
            return false
        }
    }

    private func startAccepting(_ listener: consuming UnixStreamSocket) throws(SystemError) {
        let handoff = ListenerHandoff(listener)
        let thread = try OSThread.spawn(name: "udplab-control") { [self] in
            acceptLoop(handoff.listener)
        }
        acceptThread.withLock { $0 = thread }
    }

    private func acceptLoop(_ listener: borrowing UnixStreamSocket) {
        while true {
            do {
                guard try listener.waitReadable(timeout: nil, wakingOn: shutdown) == .readable else { return }
                guard let connection = try listener.accept() else { continue }
                try admit(connection)
            } catch {
                logger.error("control socket accept failed, retrying", metadata: ["reason": "\(error)"])
            }
        }
    }

    private func admit(_ connection: consuming UnixStreamSocket) throws {
        let peer = Peer(credentials: try connection.peerCredentials())
        if let refusal = admission.withLock({ $0.admit(uid: peer.credentials.uid, isAdmin: peer.isAdmin) }) {
            let reply = VarlinkReply(refusal).frame()
            try? reply.withUnsafeBytes { try connection.writeAll($0, timeout: .seconds(1)) }
            Self.discardPending(connection)
            logger.warning(
                "control client refused: \(refusal)",
                metadata: ["peer_pid": "\(peer.credentials.pid)", "peer_uid": "\(peer.credentials.uid)"]
            )
            return
        }
        let session = ControlConnection(
            socket: connection,
            peer: peer,
            handler: handler,
            shutdown: shutdown,
            idleTimeout: idleTimeout,
            logger: logger
        )
        let handoff = SessionHandoff(session)
        joinFinishedThreads()
        let number = threads.withLock { threads in
            defer { threads.next += 1 }
            return threads.next
        }
        let thread: OSThread
        do {
            thread = try OSThread.spawn(name: "udplab-client") { [self] in
                handoff.session.run()
                admission.withLock { $0.release(uid: peer.credentials.uid, isAdmin: peer.isAdmin) }
                threads.withLock { $0.finished.append(number) }
            }
        } catch {
            admission.withLock { $0.release(uid: peer.credentials.uid, isAdmin: peer.isAdmin) }
            throw error
        }
        threads.withLock { $0.running[number] = thread }
    }

    /// Reads and drops what a refused client has already sent (without waiting for more), so that
    /// closing does not reset the connection before it has read its `LimitReached`.
    private static func discardPending(_ connection: borrowing UnixStreamSocket) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var total = 0
        while total < ControlProtocol.maximumFrameSize, (try? connection.waitReadable(timeout: .zero)) == true,
            let count = try? buffer.withUnsafeMutableBytes({ try connection.read(into: $0) }), count > 0
        {
            total += count
        }
    }

    /// Joins client threads that have ended (at once: they have returned).
    private func joinFinishedThreads() {
        let finished = threads.withLock { threads in
            let ready = threads.finished.filter { threads.running[$0] != nil }
            threads.finished.removeAll { threads.running[$0] != nil }
            return ready.compactMap { threads.running.removeValue(forKey: $0) }
        }
        for thread in finished {
            thread.join()
        }
    }
}

/// Moves the listener to the accept thread, which then owns it alone.
private final class ListenerHandoff: @unchecked Sendable {
    let listener: UnixStreamSocket
    init(_ listener: consuming UnixStreamSocket) { self.listener = listener }
}

/// Moves a connection to its thread, which then owns it alone.
private final class SessionHandoff: @unchecked Sendable {
    let session: ControlConnection
    init(_ session: ControlConnection) { self.session = session }
}
