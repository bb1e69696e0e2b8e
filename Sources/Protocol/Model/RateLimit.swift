/// How many echoes an engine sends per second to one source prefix (`--rate-limit PPS[/BURST]`),
/// as DNS response-rate limiting (BIND's and Knot's RRL, NSD's `rrl-ratelimit`) bounds the
/// answers to one client network: a token bucket that holds `burst` tokens and gains `pps` a
/// second; an echo takes one, and a datagram that finds none is not echoed (`rate_limited`).
public struct RateLimit: Sendable, Hashable, TextCodable {
    /// Tokens gained per second.
    public let pps: Int
    /// Tokens the bucket holds: the echoes a quiet prefix may get at once.
    public let burst: Int

    /// Prefixes an engine loop's table holds (`RateLimitTable`), fixed: a flood of spoofed
    /// sources evicts, it never grows the table.
    public static let tableCapacity = 4096

    /// The largest rate and burst: beyond a single loop's capacity.
    public static let range = 1...100_000_000

    /// Why a rate did not parse.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// `pps` a second with a burst of `burst` (default: one second's worth).
    public init(pps: Int, burst: Int? = nil) {
        self.pps = pps
        self.burst = burst ?? pps
    }

    /// Parses `PPS` or `PPS/BURST`, each a whole number in ``range``.
    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let pps = Int(parts[0]), Self.range.contains(pps) else {
            throw ParseError(description: "'\(text)' is not PPS[/BURST] with PPS 1–\(Self.range.upperBound)")
        }
        var burst: Int?
        if parts.count == 2 {
            guard let value = Int(parts[1]), Self.range.contains(value) else {
                throw ParseError(description: "'\(text)': BURST must be 1–\(Self.range.upperBound)")
            }
            burst = value
        }
        self.init(pps: pps, burst: burst)
    }

    /// `100` when the burst is the rate, else `100/20`.
    public var description: String { burst == pps ? "\(pps)" : "\(pps)/\(burst)" }
}
