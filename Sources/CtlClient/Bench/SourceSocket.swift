import UDPLabCore

/// One of a bench's source sockets: a class, so that several non-copyable sockets fit in an array.
final class SourceSocket {
    /// The socket, bound to an ephemeral port on the wildcard address of the target's family.
    let socket: UDPSocket

    /// Opens a socket that can reach `target`.
    ///
    /// - Throws: ``BenchError/socket(_:)``.
    init(reaching target: SocketAddress) throws(BenchError) {
        let wildcard = target.isIPv6 ? "[::]:0" : "0.0.0.0:0"
        do {
            // The wildcard text is a valid address: parsing cannot fail.
            socket = try UDPSocket(binding: try! SocketAddress(parsing: wildcard))
        } catch {
            throw .socket(error)
        }
    }
}
