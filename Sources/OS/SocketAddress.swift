import Glibc

/// An IPv4 or IPv6 socket address, stored as the kernel's own `sockaddr_in`/`sockaddr_in6` so
/// that receiving and sending a datagram never converts or allocates.
///
/// It parses and prints the forms `127.0.0.1:2000` and `[::1]:2000`.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    enum Storage: Sendable {
        case v4(sockaddr_in)
        case v6(sockaddr_in6)
    }

    var storage: Storage

    init(_ address: sockaddr_in) { storage = .v4(address) }

    init(_ address: sockaddr_in6) { storage = .v6(address) }

    /// The port, in host byte order.
    public var port: UInt16 {
        switch storage {
        case .v4(let address): UInt16(bigEndian: address.sin_port)
        case .v6(let address): UInt16(bigEndian: address.sin6_port)
        }
    }

    /// `true` for an IPv6 address.
    public var isIPv6: Bool {
        if case .v6 = storage { return true }
        return false
    }

    /// The address family, `AF_INET` or `AF_INET6`.
    var family: Int32 { isIPv6 ? AF_INET6 : AF_INET }

    /// The same host with another port.
    public func withPort(_ port: UInt16) -> SocketAddress {
        var copy = self
        switch storage {
        case .v4(var address):
            address.sin_port = port.bigEndian
            copy.storage = .v4(address)
        case .v6(var address):
            address.sin6_port = port.bigEndian
            copy.storage = .v6(address)
        }
        return copy
    }

    /// The host part as text: `127.0.0.1` or `::1`.
    public var host: String {
        // INET6_ADDRSTRLEN (46) bytes hold any textual IPv4 or IPv6 address.
        var buffer = [CChar](repeating: 0, count: 46)
        switch storage {
        case .v4(var address):
            _ = inet_ntop(AF_INET, &address.sin_addr, &buffer, socklen_t(buffer.count))
        case .v6(var address):
            _ = inet_ntop(AF_INET6, &address.sin6_addr, &buffer, socklen_t(buffer.count))
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `127.0.0.1:2000` or `[::1]:2000`.
    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Calls `body` with this address as a `sockaddr` pointer and its length.
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch storage {
        case .v4(var address):
            // The pointer is valid for the duration of the closure only; `address` is a local copy.
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .v6(var address):
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }

    /// Writes this address into `storage`, for a call that takes many addresses at once
    /// (`sendmmsg(2)`).
    ///
    /// - Returns: the length of the address written.
    package func store(in storage: UnsafeMutablePointer<sockaddr_storage>) -> socklen_t {
        let raw = UnsafeMutableRawPointer(storage)
        switch self.storage {
        case .v4(let address):
            raw.storeBytes(of: address, as: sockaddr_in.self)
            return socklen_t(MemoryLayout<sockaddr_in>.size)
        case .v6(let address):
            raw.storeBytes(of: address, as: sockaddr_in6.self)
            return socklen_t(MemoryLayout<sockaddr_in6>.size)
        }
    }

    /// Reads an address the kernel wrote into `storage`; `nil` for a family other than IPv4/IPv6.
    package init?(_ storage: sockaddr_storage) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            self.init(withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self) })
        case AF_INET6:
            self.init(withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self) })
        default:
            return nil
        }
    }

    // MARK: - Hashable

    public static func == (lhs: SocketAddress, rhs: SocketAddress) -> Bool {
        switch (lhs.storage, rhs.storage) {
        case (.v4(let a), .v4(let b)):
            a.sin_port == b.sin_port && a.sin_addr.s_addr == b.sin_addr.s_addr
        case (.v6(let a), .v6(let b)):
            a.sin6_port == b.sin6_port && a.sin6_scope_id == b.sin6_scope_id
                && withUnsafeBytes(of: a.sin6_addr) { x in withUnsafeBytes(of: b.sin6_addr) { y in x.elementsEqual(y) }
                }
        default:
            false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch storage {
        case .v4(let address):
            hasher.combine(address.sin_addr.s_addr)
            hasher.combine(address.sin_port)
        case .v6(let address):
            withUnsafeBytes(of: address.sin6_addr) { hasher.combine(bytes: $0) }
            hasher.combine(address.sin6_port)
        }
    }
}

extension SocketAddress {
    /// `127.0.0.1:port`.
    public init(loopbackPort port: UInt16) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        self.init(address)
    }
}
