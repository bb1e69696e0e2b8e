import Foundation
import Testing

@testable import UDPLabOS
@testable import UDPLabProtocol

@Suite("SocketAddress")
struct SocketAddressTests {
    @Test(
        "Parses and prints IPv4 and IPv6",
        arguments: ["127.0.0.1:2000", "0.0.0.0:0", "[::1]:2000", "[fe80::1:2]:65535", "[::]:53"]
    )
    func roundTrips(text: String) throws {
        let address = try SocketAddress(parsing: text)
        #expect(address.description == text)
        #expect(try SocketAddress(parsing: address.description) == address)
    }

    @Test("Port and family")
    func parts() throws {
        let v4 = try SocketAddress(parsing: "10.1.2.3:9000")
        #expect(v4.port == 9000 && !v4.isIPv6 && v4.host == "10.1.2.3")
        let v6 = try SocketAddress(parsing: "[2001:db8::7]:53")
        #expect(v6.port == 53 && v6.isIPv6 && v6.host == "2001:db8::7")
        #expect(v4.withPort(1).description == "10.1.2.3:1")
        #expect(SocketAddress(loopbackPort: 2000).description == "127.0.0.1:2000")
    }

    @Test(
        "Rejects what is not HOST:PORT, saying why",
        arguments: [
            ("127.0.0.1", "missing ':PORT'"),
            ("127.0.0.1:99999", "port must be 0–65535"),
            ("127.0.0.1:", "is not a number"),
            ("127.0.0.1:-1", "is not a number"),
            ("localhost:2000", "not a numeric IPv4 address"),
            ("::1:2000", "must be in brackets"),
            ("[::1:2000", "must be in brackets"),
            ("[nope]:1", "not a numeric IPv6 address"),
            (":2000", "missing host"),
        ]
    )
    func rejects(text: String, reason: String) {
        #expect {
            try SocketAddress(parsing: text)
        } throws: { error in
            guard let error = error as? SocketAddress.ParseError else { return false }
            return error.text == text && error.description.contains(reason)
        }
    }

    @Test("Encodes as its text form")
    func codable() throws {
        let spec = EngineSpec(backend: .poll, bind: try SocketAddress(parsing: "[::1]:7"), queue: 4)
        let json = try JSONEncoder().encode(spec)
        #expect(String(decoding: json, as: UTF8.self).contains(#""bind":"[::1]:7""#))
        #expect(try JSONDecoder().decode(EngineSpec.self, from: json) == spec)
    }
}
