import FoundationEssentials

/// A successful reply: the decoded parameters, and the parameters object as received, for `--json`.
struct ClientReply<Value> {
    /// The parameters, decoded.
    let value: Value
    /// The parameters object as JSON, keys sorted.
    let parameters: Data
}
