import UDPLabProtocol

extension Backend {
    /// Why the backend cannot run on this host, or `nil` when it can: only `uring` depends on
    /// the kernel (io_uring may be missing, or disabled by sysctl or a seccomp filter).
    public var unavailableReason: String? { self == .uring ? UringEcho.unavailableReason : nil }
}
