import UDPLabOS

extension PacketInfo {
    /// What `--trace` adds to a datagram's line: the address it reached (`to`) or the reply's
    /// source (`from`), and its traffic class; nothing on the fast path.
    /// e.g. ` to 198.18.0.3 (tos 0xb9)`.
    func traceSuffix(_ preposition: String) -> String {
        guard !isEmpty else { return "" }
        var suffix = ""
        if let destination {
            suffix += " \(preposition) \(destination.unmappingIPv4.host)"
        }
        if let trafficClass {
            suffix += " (tos 0x\(String(trafficClass, radix: 16)))"
        }
        return suffix
    }
}
