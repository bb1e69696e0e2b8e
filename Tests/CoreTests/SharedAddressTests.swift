import Testing

@testable import UDPLabOS
@testable import UDPLabProtocol

/// ``EngineSpec/sharesAddress(with:)``: which two engines cannot both bind.
@Suite("Shared addresses")
struct SharedAddressTests {
    private func spec(
        _ bind: String,
        kind: EngineKind = .echo,
        count: Int? = nil,
        dualStack: Bool? = nil
    ) throws
        -> EngineSpec
    {
        EngineSpec(kind: kind, bind: try SocketAddress(parsing: bind), count: count, dualStack: dualStack)
    }

    @Test("Same address, wildcards, port ranges and dual stack")
    func overlaps() throws {
        #expect(try spec("127.0.0.1:2000").sharesAddress(with: spec("127.0.0.1:2000")))
        #expect(try !spec("127.0.0.1:2000").sharesAddress(with: spec("127.0.0.1:2001")))
        #expect(try !spec("127.0.0.1:2000").sharesAddress(with: spec("127.0.0.2:2000")))
        #expect(try spec("0.0.0.0:2000").sharesAddress(with: spec("127.0.0.1:2000")))
        #expect(try !spec("127.0.0.1:0").sharesAddress(with: spec("127.0.0.1:0")), "port 0: the kernel picks")
        #expect(try spec("127.0.0.1:2005").sharesAddress(with: spec("127.0.0.1:2000", kind: .multisocket, count: 10)))
        #expect(try !spec("127.0.0.1:2010").sharesAddress(with: spec("127.0.0.1:2000", kind: .multisocket, count: 10)))
        #expect(
            try spec("127.0.0.1:2000", kind: .multisocket).sharesAddress(with: spec("127.0.0.1:2009")),
            "count 10 by default"
        )
        #expect(try !spec("[::]:2000").sharesAddress(with: spec("0.0.0.0:2000")), "IPv6-only: separate")
        #expect(try spec("[::]:2000", dualStack: true).sharesAddress(with: spec("127.0.0.1:2000")))
        #expect(try !spec("[::1]:2000", dualStack: true).sharesAddress(with: spec("127.0.0.1:2000")))
        #expect(try !spec("127.0.0.1:2000", kind: .empty).sharesAddress(with: spec("127.0.0.1:2000")), "no socket")
    }

    @Test("IPv4-mapped addresses read as IPv4")
    func unmapping() throws {
        #expect(try SocketAddress(parsing: "[::ffff:127.0.0.1]:5").unmappingIPv4 == SocketAddress(loopbackPort: 5))
        #expect(try SocketAddress(parsing: "[::1]:5").unmappingIPv4 == SocketAddress(parsing: "[::1]:5"))
    }
}
