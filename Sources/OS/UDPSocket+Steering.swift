import CLinux

extension UDPSocket {
    /// Steers the datagrams of this socket's `SO_REUSEPORT` group by CPU: the group's socket at
    /// index `cpu % groupSize` (sockets in the order they were bound) gets each datagram, where
    /// `cpu` is the CPU that handled it in the kernel (`--steer cpu`). With each loop thread
    /// pinned to its CPU, a datagram is served where it arrived.
    ///
    /// The corresponding C call is `setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, …)`
    /// with the classic BPF program `ld cpu; mod #groupSize; ret a`, as the kernel's
    /// `reuseport_bpf_cpu` selftest does.
    /// - Throws: ``SystemError``.
    public func steerByCPU(groupSize: Int) throws(SystemError) {
        let descriptor = descriptor.rawValue
        _ = try systemCall("setsockopt(SO_ATTACH_REUSEPORT_CBPF)") {
            CLinux_attach_reuseport_cpu(descriptor, UInt32(clamping: groupSize))
        }
    }
}
