/// The source ports whose datagrams an echo engine never answers (`--deny-source-ports`): the
/// loop and reflection guard of a responder on a real network.
///
/// An echo reply goes to the datagram's source. When that source is another service that
/// answers whatever reaches it, the two bounce one datagram between them forever (the classic
/// echo ↔ chargen loop, CVE-1999-0103); when the source is forged to be a victim's service, the
/// echo is one more packet of a reflection attack. So the default list is the ports of UDP
/// services that answer unsolicited datagrams:
///
/// - RFC 862 echo 7, RFC 867 daytime 13, RFC 865 qotd 17, RFC 864 chargen 19, RFC 868 time 37:
///   the "simple services", each answering any datagram (discard, 9, answers none, so a
///   datagram from it cannot loop, and it is not listed);
/// - the protocols of US-CERT's TA14-017A, "UDP-Based Amplification Attacks" (2014, revised
///   2018): DNS 53, TFTP 69, portmap 111, NTP 123, NetBIOS 137 (and its datagram service 138),
///   SNMP 161 (and 162, which acknowledges INFORMs), LDAP/CLDAP 389, RIPv1 520, SSDP 1900,
///   mDNS 5353, memcached 11211, Steam 27015 and Quake 27960;
/// - reflectors found since, in CISA's and scanning projects' amplification reports: IPMI/RMCP
///   623, SQL Server Browser 1434, Apple Remote Desktop (ARMS) 3283, WS-Discovery 3702,
///   NAT-PMP 5351, CoAP 5683, Ubiquiti discovery 10001;
/// - and port 0, which no real sender has (a reply to it fails with `EINVAL`).
///
/// A list is written `default`, `none`, or ports and ranges separated by commas, where `default`
/// may be one of the items: `default,4789`, `7,19,9000-9010`. `none` turns the guard off (a
/// DNS or NTP client's replies are then echoed, as before). The list is kept in the order and
/// form it was given (``description``) and resolved to a set of ports (``ports``).
public struct SourcePortList: Sendable, Hashable, TextCodable {
    /// The ports denied, sorted, without repeats.
    public let ports: [UInt16]
    /// The list as given, normalised (no spaces): `default`, `none`, `default,4789`.
    public let description: String

    /// The ports of ``default``: see the type's documentation for where each comes from.
    public static let defaultPorts: [UInt16] = [
        0, 7, 13, 17, 19, 37, 53, 69, 111, 123, 137, 138, 161, 162, 389, 520, 623, 1434, 1900, 3283, 3702, 5351,
        5353, 5683, 10001, 11211, 27015, 27960,
    ]

    /// What an engine that does not choose gets.
    public static let `default` = SourcePortList(ports: defaultPorts, description: "default")
    /// No port denied.
    public static let none = SourcePortList(ports: [], description: "none")

    private init(ports: [UInt16], description: String) {
        self.ports = ports
        self.description = description
    }

    /// Why a list did not parse.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Parses `default`, `none` or a comma-separated list of ports (0–65535), ranges `A-B` and
    /// `default`.
    public init(parsing text: String) throws(ParseError) {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.filter { $0 != " " }
        }
        if items == ["none"] {
            self = .none
            return
        }
        var denied = Set<UInt16>()
        for item in items {
            if item == "default" {
                denied.formUnion(Self.defaultPorts)
            } else if item == "none" {
                throw ParseError(description: "'none' cannot be combined with other ports")
            } else if let dash = item.firstIndex(of: "-") {
                guard let low = UInt16(item[..<dash]), let high = UInt16(item[item.index(after: dash)...]), low <= high
                else { throw ParseError(description: "'\(item)' is not a port range LOW-HIGH within 0–65535") }
                denied.formUnion(low...high)
            } else {
                guard let port = UInt16(item) else {
                    throw ParseError(description: "'\(item)' is not a port 0–65535, a range, 'default' or 'none'")
                }
                denied.insert(port)
            }
        }
        self.init(ports: denied.sorted(), description: items.joined(separator: ","))
    }
}
