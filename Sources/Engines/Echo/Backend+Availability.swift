import UDPLabProtocol

extension Backend {
    /// Why the backend cannot run on this host, or `nil` when it can: only `uring` and `gso`
    /// depend on the kernel (io_uring may be missing, or disabled by sysctl or a seccomp
    /// filter; UDP GRO came in Linux 5.0, UDP GSO in 4.18).
    public var unavailableReason: String? {
        switch self {
        case .uring: UringEcho.unavailableReason
        case .gso: GSOEcho.unavailableReason
        default: nil
        }
    }
}
