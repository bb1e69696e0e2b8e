/// How an echo engine with `--threads` spreads datagrams over its threads (`--steer`).
public enum Steer: String, CaseIterable, Codable, Sendable {
    /// The kernel's `SO_REUSEPORT` choice: a hash of each datagram's addresses and ports, so one
    /// flow always reaches one thread.
    case hash
    /// A classic-BPF program picks the thread of the CPU that received the datagram (`cpu % N`),
    /// and each thread is pinned to its CPU: a datagram is served where it arrived.
    case cpu

    public static let `default` = Steer.hash
}
