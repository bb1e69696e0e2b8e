import Glibc

extension SocketAddress {
    /// Why a `HOST:PORT` string is not a socket address.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The text that was given.
        public let text: String
        /// What is wrong with it, e.g. `port must be 0–65535`.
        public let reason: String

        public var description: String { "'\(text)' is not a HOST:PORT address: \(reason)" }
    }

    /// Parses `127.0.0.1:2000` or `[::1]:2000`. Hosts are numeric: no name lookup happens.
    ///
    /// - Parameter text: the address.
    /// - Throws: ``ParseError`` saying what is wrong.
    public init(parsing text: String) throws(ParseError) {
        func fail(_ reason: String) -> ParseError { ParseError(text: text, reason: reason) }

        guard let colon = text.lastIndex(of: ":") else {
            throw fail("missing ':PORT' (write 127.0.0.1:2000 or [::1]:2000)")
        }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber) else {
            throw fail("port '\(portText)' is not a number")
        }
        guard let port = Int(portText), port <= 65535 else {
            throw fail("port must be 0–65535")
        }
        let bracketed = host.hasPrefix("[") && host.hasSuffix("]")
        if bracketed {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw fail("an IPv6 host must be in brackets, as in [::1]:2000")
        }
        guard !host.isEmpty else { throw fail("missing host") }

        if bracketed {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else {
                throw fail("'\(host)' is not a numeric IPv6 address")
            }
            self.init(address)
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
                throw fail("'\(host)' is not a numeric IPv4 address")
            }
            self.init(address)
        }
    }
}
