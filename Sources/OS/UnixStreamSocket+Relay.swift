import Glibc

extension UnixStreamSocket {
    /// Copies what arrives on stdin to the socket and what arrives on the socket to stdout, as it
    /// comes: `udplabctl bridge`, the far end of `udplabctl -H` (like `systemd-stdio-bridge`).
    /// When stdin ends, the socket's sending side is shut down and the replies still on their way
    /// are copied until the daemon closes; the relay ends when the socket does.
    ///
    /// The corresponding C calls are `poll(2)`, `read(2)`, `send(2)`, `shutdown(2)` and `write(2)`.
    /// A peer that closed or reset its end ends its direction; it is not an error.
    /// - Throws: ``SystemError`` when waiting, reading or writing fails otherwise.
    public func relayStandardStreams() throws(SystemError) {
        let socket = descriptor.rawValue
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var entries = [
            pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
            pollfd(fd: socket, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            _ = try entries.withUnsafeMutableBufferPointer { pointer throws(SystemError) in
                try systemCall("poll") { poll(pointer.baseAddress, 2, -1) }
            }
            if entries[0].revents != 0, try !relayChunk(from: 0, to: socket, via: &buffer) {
                // No more requests: the daemon reads an end of file after the last one, and answers it.
                try shutdownWriting()
                entries[0].fd = -1  // poll(2) skips a negative descriptor
            }
            if entries[1].revents != 0, try !relayChunk(from: socket, to: 1, via: &buffer) { return }
        }
    }
}

/// Moves what `source` has to `target`, whole.
/// - Returns: `false` once either side has closed (end of file, `ECONNRESET`, `EPIPE`).
private func relayChunk(from source: Int32, to target: Int32, via buffer: inout [UInt8]) throws(SystemError) -> Bool {
    let read = try buffer.withUnsafeMutableBufferPointer { bytes throws(SystemError) in
        try closedIsEnd { () throws(SystemError) in
            try nonBlockingCall("read") { Glibc.read(source, bytes.baseAddress, bytes.count) }
        }
    }
    guard let read else { return false }
    guard case .processed(let count) = read else { return true }
    guard count > 0 else { return false }
    return try buffer.withUnsafeBufferPointer { bytes throws(SystemError) in
        var offset = 0
        while offset < count {
            let written = try closedIsEnd { () throws(SystemError) in
                try nonBlockingCall("write") {
                    // send(2) on the socket, so a daemon gone away is EPIPE rather than SIGPIPE.
                    target == 1
                        ? Glibc.write(target, bytes.baseAddress! + offset, count - offset)
                        : send(target, bytes.baseAddress! + offset, count - offset, Int32(MSG_NOSIGNAL))
                }
            }
            switch written {
            case nil: return false
            case .processed(let sent)?: offset += sent
            case .wouldBlock?:
                // A non-blocking stdout (ssh's): wait until it takes more.
                var entry = pollfd(fd: target, events: Int16(POLLOUT), revents: 0)
                _ = try systemCall("poll") { poll(&entry, 1, -1) }
            }
        }
        return true
    }
}

/// `body`'s result, or `nil` when it failed because the other side is gone.
private func closedIsEnd<T>(_ body: () throws(SystemError) -> T) throws(SystemError) -> T? {
    do {
        return try body()
    } catch {
        guard error.code == ECONNRESET || error.code == EPIPE else { throw error }
        return nil
    }
}
