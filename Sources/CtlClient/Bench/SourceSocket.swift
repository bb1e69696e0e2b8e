import UDPLabOS

/// One of a bench's source sockets: a class, so that several non-copyable sockets fit in an array.
final class SourceSocket {
    /// The socket, bound to an ephemeral port on the wildcard address of the target's family.
    let socket: UDPSocket

    /// Opens a socket that can reach `target`.
    ///
    /// - Throws: ``BenchError/socket(_:)``.
    init(reaching target: SocketAddress) throws(BenchError) {
        let wildcard: SocketAddress
        do {
            wildcard = try SocketAddress(parsing: target.isIPv6 ? "[::]:0" : "0.0.0.0:0")
        } catch {
            throw .invalidOption("cannot make the wildcard address for \(target): \(error)")
        }
        do {
            socket = try UDPSocket(binding: wildcard)
        } catch {
            throw .socket(error)
        }
    }
}
