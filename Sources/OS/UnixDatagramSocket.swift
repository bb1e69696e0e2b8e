import Glibc

/// A bound Unix-domain datagram socket: what systemd's notify socket is, so tests can stand in
/// for systemd and read what the daemon sends.
public struct UnixDatagramSocket: ~Copyable, Sendable {
    let descriptor: FileDescriptor

    /// Binds `path`; a path starting with `@` is an abstract address (no file), as in
    /// `$NOTIFY_SOCKET`.
    ///
    /// - Throws: ``SystemError`` from socket(2) or bind(2).
    public init(binding path: String) throws(SystemError) {
        let type = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let descriptor = FileDescriptor(rawValue: try systemCall("socket(AF_UNIX)") { socket(AF_UNIX, type, 0) })
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") {
            bytes[0] = 0
        }
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw SystemError(code: ENAMETOOLONG, operation: "socket path \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        // Abstract names are exactly as long as given; path names include their NUL.
        let length = socklen_t(
            MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (bytes.first == 0 ? 0 : 1)
        )
        _ = try withUnsafePointer(to: &address) { pointer throws(SystemError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer throws(SystemError) in
                try systemCall("bind(\(path))") { Glibc.bind(descriptor.rawValue, sockaddrPointer, length) }
            }
        }
        self.descriptor = descriptor
    }

    /// Waits at most `timeout` for one datagram and returns its bytes as text.
    public func receive(timeout: Duration) throws(SystemError) -> String? {
        var pollSet = PollSet()
        pollSet.append(descriptor, events: .readable)
        guard try pollSet.wait(timeout: timeout) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let count = try buffer.withUnsafeMutableBytes { bytes in
            Result { () throws(SystemError) in
                try systemCall("recv") { recv(descriptor.rawValue, bytes.baseAddress, bytes.count, 0) }
            }
        }.get()
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}
