import Glibc

extension UnixStreamSocket {
    /// Two connected Unix stream sockets: one end for this process, one for a child's standard
    /// streams (``Subprocess``).
    ///
    /// Hand ``remote`` to the child, then keep ``closingRemote()``: this process's copy of the
    /// child's end must close, or the child's exit would never be an end of file here.
    public struct Pair: ~Copyable {
        /// The end this process keeps.
        let local: UnixStreamSocket
        /// The end a child gets.
        public let remote: UnixStreamSocket

        /// This process's end; its copy of ``remote`` is closed.
        public consuming func closingRemote() -> UnixStreamSocket {
            local
        }
    }

    /// A new connected pair, both ends blocking and close-on-exec.
    ///
    /// The corresponding C call is `socketpair(2)`.
    /// - Throws: ``SystemError`` (`EMFILE`, `ENFILE`).
    public static func pair() throws(SystemError) -> Pair {
        var descriptors: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        _ = try systemCall("socketpair(AF_UNIX)") { socketpair(AF_UNIX, type, 0, &descriptors) }
        return Pair(
            local: UnixStreamSocket(descriptor: FileDescriptor(rawValue: descriptors[0])),
            remote: UnixStreamSocket(descriptor: FileDescriptor(rawValue: descriptors[1]))
        )
    }
}
