import CLinux
import Glibc
import Synchronization

/// A Unix-domain stream socket: the control socket's listener, its connections, and the client.
///
/// Connections are blocking; ``waitReadable(timeout:)`` and ``waitWritable(timeout:)`` put a
/// deadline on them. The listener is non-blocking so its thread can also watch an eventfd (a ``Waker``).
public struct UnixStreamSocket: ~Copyable, Sendable {
    let descriptor: FileDescriptor

    init(descriptor: consuming FileDescriptor) {
        self.descriptor = descriptor
    }

    /// Binds `path` and listens on it with permissions `mode` (0o000–0o777).
    ///
    /// bind(2) creates the socket file with 0777 less the umask, so it is bound under a umask of
    /// exactly the complement of `mode`: the file has `mode` from its first instant, and nothing
    /// afterwards touches it by path. (A `chmod(path)` after bind would follow a symlink that
    /// someone swapped in meanwhile; `fchmod` before bind is still masked by the umask, and not
    /// every kernel applies it to the file.)
    ///
    /// - Important: the umask is process-wide: call this while no other thread creates files
    ///   (the daemon opens its control socket before it starts any engine).
    ///
    /// - Throws: ``SystemError``; `EADDRINUSE` when a file (a symlink included, never followed)
    ///   exists at `path`.
    public static func listen(path: String, mode: UInt16, backlog: Int32 = 128) throws(SystemError) -> UnixStreamSocket
    {
        try listen(path: path, mode: mode, backlog: backlog, afterBind: {})
    }

    /// ``listen(path:mode:backlog:)``, running `afterBind` right after bind(2): the test seam for
    /// the moment in which another process could swap the new socket file for a symlink.
    static func listen(
        path: String,
        mode: UInt16,
        backlog: Int32,
        afterBind: () -> Void
    ) throws(SystemError) -> UnixStreamSocket {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let descriptor = FileDescriptor(rawValue: try systemCall("socket(AF_UNIX)") { socket(AF_UNIX, type, 0) })
        // One bind under a changed umask at a time: two overlapping ones would each bind under
        // the other's mask and restore them out of order, leaving the process with a wrong umask.
        try umaskWindow.withLock { _ throws(SystemError) in
            let previousMask = umask(~mode_t(mode) & 0o777)
            defer { umask(previousMask) }
            try withUnixAddress(path) { address, length throws(SystemError) in
                _ = try systemCall("bind(\(path))") { Glibc.bind(descriptor.rawValue, address, length) }
            }
        }
        afterBind()
        _ = try systemCall("listen") { Glibc.listen(descriptor.rawValue, backlog) }
        return UnixStreamSocket(descriptor: descriptor)
    }

    /// Connects to the socket at `path` (blocking).
    ///
    /// - Throws: ``SystemError``: `ENOENT` (no socket there), `ECONNREFUSED` (a stale socket
    ///   file: nobody listens), `EACCES`.
    public static func connect(path: String) throws(SystemError) -> UnixStreamSocket {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let descriptor = FileDescriptor(rawValue: try systemCall("socket(AF_UNIX)") { socket(AF_UNIX, type, 0) })
        try withUnixAddress(path) { address, length throws(SystemError) in
            _ = try systemCall("connect(\(path))") { Glibc.connect(descriptor.rawValue, address, length) }
        }
        return UnixStreamSocket(descriptor: descriptor)
    }

    /// Takes over an inherited listening socket (socket activation).
    ///
    /// - Important: `rawDescriptor` must be an open `AF_UNIX` stream socket that nothing else owns.
    public init(adopting rawDescriptor: Int32) throws(SystemError) {
        let flags = try systemCall("fcntl(F_GETFL)") { fcntl(rawDescriptor, F_GETFL) }
        _ = try systemCall("fcntl(F_SETFL)") { fcntl(rawDescriptor, F_SETFL, flags | O_NONBLOCK) }
        _ = try systemCall("fcntl(F_SETFD)") { fcntl(rawDescriptor, F_SETFD, FD_CLOEXEC) }
        descriptor = FileDescriptor(rawValue: rawDescriptor)
    }

    /// Accepts one connection (blocking, close-on-exec).
    ///
    /// The corresponding C call is `accept4(2)`.
    /// - Returns: the connection, or `nil` when none is pending (would block: a value, as
    ///   ``IOResult/wouldBlock``, which cannot hold a non-copyable socket).
    public func accept() throws(SystemError) -> UnixStreamSocket? {
        let result = try nonBlockingCall("accept4") { CLinux_accept_cloexec(descriptor.rawValue) }
        guard case .processed(let raw) = result else { return nil }
        return UnixStreamSocket(descriptor: FileDescriptor(rawValue: raw))
    }

    /// Reads what is available, blocking until something is (connections are blocking sockets).
    ///
    /// - Returns: the number of bytes read; 0 means the peer closed its end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        try systemCall("read") { Glibc.read(descriptor.rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Reads what has arrived without waiting: at most `limit` bytes, nothing when nothing has.
    ///
    /// The corresponding C call is `recv(2)` with `MSG_DONTWAIT`.
    /// - Returns: the bytes read; empty at end of file, when nothing is buffered, or on an error.
    public func readAvailable(limit: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: limit)
        let count = bytes.withUnsafeMutableBytes { buffer in
            try? nonBlockingCall("recv") {
                recv(descriptor.rawValue, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
            }
        }
        guard case .processed(let read)? = count else { return [] }
        return Array(bytes.prefix(read))
    }

    /// Ends this side's writing: the peer reads an end of file after what was sent, and may
    /// still answer it (replies keep arriving here).
    ///
    /// The corresponding C call is `shutdown(2)` with `SHUT_WR`.
    public func shutdownWriting() throws(SystemError) {
        _ = try systemCall("shutdown") { Glibc.shutdown(descriptor.rawValue, Int32(SHUT_WR)) }
    }

    /// Writes all of `bytes`, waiting at most `timeout` for the peer to make room.
    ///
    /// `MSG_NOSIGNAL`: a peer that went away is an `EPIPE` error, not a SIGPIPE.
    /// - Throws: ``SystemError`` (`EPIPE`, `ECONNRESET`, or `ETIMEDOUT` when the peer reads nothing).
    public func writeAll(_ bytes: UnsafeRawBufferPointer, timeout: Duration) throws(SystemError) {
        var offset = 0
        let (sum, overflow) = MonotonicClock.nanoseconds().addingReportingOverflow(timeout.nanoseconds)
        let deadline = overflow ? UInt64.max : sum
        while offset < bytes.count {
            let result = try nonBlockingCall("send") {
                send(
                    descriptor.rawValue,
                    bytes.baseAddress! + offset,
                    bytes.count - offset,
                    Int32(MSG_NOSIGNAL | MSG_DONTWAIT)
                )
            }
            switch result {
            case .processed(let count):
                offset += count
            case .wouldBlock:
                let now = MonotonicClock.nanoseconds()
                guard now < deadline, try waitWritable(timeout: .nanoseconds(Int64(deadline - now))) else {
                    throw SystemError(code: ETIMEDOUT, operation: "send")
                }
            }
        }
    }

    /// Waits until the socket can be read (data, or the peer's close).
    /// - Returns: `false` when `timeout` passed first.
    public func waitReadable(timeout: Duration?) throws(SystemError) -> Bool {
        try wait(for: .readable, timeout: timeout)
    }

    /// Waits until the socket can be written.
    /// - Returns: `false` when `timeout` passed first.
    public func waitWritable(timeout: Duration?) throws(SystemError) -> Bool {
        try wait(for: .writable, timeout: timeout)
    }

    /// What ``waitReadable(timeout:wakingOn:)`` saw first.
    public enum WaitOutcome: Sendable, Equatable {
        /// The socket can be read (data, a pending connection, or the peer's close).
        case readable
        /// The waker was woken (it is left woken, so every waiter sees it).
        case woken
        /// The timeout passed.
        case timedOut
    }

    /// Waits until the socket can be read or `wakeup` is signalled, at most `timeout`.
    ///
    /// The corresponding C call is `poll(2)` on the socket and the eventfd (a ``Waker``'s, through
    /// the engines' `waitReadable(timeout:wakingOn:)`).
    public func waitReadable(timeout: Duration?, wakingOn wakeup: borrowing EventFD) throws(SystemError) -> WaitOutcome
    {
        var pollSet = PollSet()
        let socketIndex = pollSet.append(descriptor, events: .readable)
        let wakerIndex = pollSet.append(wakeup.descriptor, events: .readable)
        guard try pollSet.wait(timeout: timeout) > 0 else { return .timedOut }
        if pollSet.returnedEvents(at: wakerIndex).contains(.readable) { return .woken }
        return pollSet.returnedEvents(at: socketIndex).isEmpty ? .timedOut : .readable
    }

    private func wait(for events: PollSet.Events, timeout: Duration?) throws(SystemError) -> Bool {
        var pollSet = PollSet()
        pollSet.append(descriptor, events: events)
        return try pollSet.wait(timeout: timeout) > 0
    }

    /// Who is on the other end: the `SO_PEERCRED` of a connection.
    public func peerCredentials() throws(SystemError) -> PeerCredentials {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
        _ = try systemCall("getsockopt(SO_PEERCRED)") { CLinux_peer_credentials(descriptor.rawValue, &pid, &uid, &gid) }
        return PeerCredentials(pid: pid, uid: uid, gid: gid)
    }
}

/// Calls `body` with `path` as a `sockaddr_un`.
/// - Throws: ``SystemError`` `ENAMETOOLONG` when the path does not fit (107 bytes).
private func withUnixAddress<R>(
    _ path: String,
    _ body: (UnsafePointer<sockaddr>, socklen_t) throws(SystemError) -> R
) throws(SystemError) -> R {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard bytes.count < capacity else { throw SystemError(code: ENAMETOOLONG, operation: "socket path \(path)") }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + 1)
    // The pointer is valid for the duration of `body` only; `address` is a local.
    return try withUnsafePointer(to: &address) { pointer throws(SystemError) in
        try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer throws(SystemError) in
            try body(sockaddrPointer, length)
        }
    }
}

/// The credentials of a connected peer, as the kernel recorded them at connect time.
public struct PeerCredentials: Sendable, Equatable {
    public let pid: Int32
    public let uid: UInt32
    public let gid: UInt32
}

/// Held while ``UnixStreamSocket/listen(path:mode:backlog:)`` binds under its own umask.
private let umaskWindow = Mutex(())
