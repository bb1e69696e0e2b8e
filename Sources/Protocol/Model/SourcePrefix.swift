/// The prefix lengths that group sources for `--rate-limit` (`--rate-limit-prefix V4/V6`): one
/// bucket per IPv4 /`v4` and per IPv6 /`v6` network, /32 and /64 by default (one host; one
/// IPv6 subnet, which one host may fill with addresses), as BIND's RRL groups by
/// `ipv4-prefix-length` (24) and `ipv6-prefix-length` (56).
public struct SourcePrefix: Sendable, Hashable, TextCodable {
    /// IPv4 prefix length, 0–32.
    public let v4: Int
    /// IPv6 prefix length, 0–128.
    public let v6: Int

    /// /32 and /64.
    public static let `default` = SourcePrefix(v4: 32, v6: 64)

    /// Why a prefix pair did not parse.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    init(v4: Int, v6: Int) {
        self.v4 = v4
        self.v6 = v6
    }

    /// Parses `V4/V6`: `24/56`.
    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let v4 = Int(parts[0]), let v6 = Int(parts[1]), (0...32).contains(v4),
            (0...128).contains(v6)
        else { throw ParseError(description: "'\(text)' is not V4/V6 with V4 0–32 and V6 0–128 (24/56)") }
        self.init(v4: v4, v6: v6)
    }

    /// `32/64`.
    public var description: String { "\(v4)/\(v6)" }
}
