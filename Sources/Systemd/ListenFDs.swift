import CSystemd
import UDPLabOS

/// Sockets passed by systemd's socket activation (`LISTEN_FDS`, `LISTEN_FDNAMES`).
public enum ListenFDs {
    /// Takes the passed socket named `name` (`FileDescriptorName=` in the .socket unit) as a
    /// listening Unix stream socket; the others are closed. The environment variables are
    /// unset so children do not inherit them.
    ///
    /// The corresponding C call is `sd_listen_fds_with_names(3)`. Sockets are matched by name,
    /// never by position: systemd does not keep declaration order.
    ///
    /// - Returns: the socket, or `nil` when none was passed under that name.
    /// - Throws: ``SystemError`` when the passed descriptor cannot be adopted.
    public static func takeUnixListener(named name: String) throws(SystemError) -> UnixStreamSocket? {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        let count = sd_listen_fds_with_names(1, &names)
        guard count > 0, let names else { return nil }
        defer { CSystemd_free_names(names, count) }
        var chosen: Int32?
        for index in 0..<Int(count) {
            let descriptor = SD_LISTEN_FDS_START + Int32(index)
            if chosen == nil, let raw = names[index], String(cString: raw) == name {
                chosen = descriptor
            } else {
                FileDescriptor.closeInherited(descriptor)
            }
        }
        guard let chosen else { return nil }
        return try UnixStreamSocket(adopting: chosen)
    }
}
