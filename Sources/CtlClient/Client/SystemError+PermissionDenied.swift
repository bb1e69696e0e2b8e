import UDPLabOS

extension SystemError {
    /// `true` for `EACCES` and `EPERM`: the socket exists but this user may not connect to it.
    var isPermissionDenied: Bool {
        code == Errno.accessDenied || code == Errno.notPermitted
    }
}
