/// `io.udplab.Backends`: what this daemon can run: engine kinds, echo backends and multisocket
/// strategies, each with the seed program it mirrors.
public enum BackendsMethod {
    public static let name = "io.udplab.Backends"

    /// An I/O model (`--backend`).
    public struct Backend: Codable, Sendable, Equatable {
        public var name: String
        /// The kinds that take it (`echo`).
        public var kinds: [String]
        /// `level` or `edge`.
        public var trigger: String
        public var mirrors: String
        public var summary: String
        public var available: Bool
        public init(name: String, kinds: [String], trigger: String, mirrors: String, summary: String, available: Bool) {
            self.name = name
            self.kinds = kinds
            self.trigger = trigger
            self.mirrors = mirrors
            self.summary = summary
            self.available = available
        }
    }

    /// A named choice with its one-line summary and the seed program it mirrors: an engine
    /// kind (the `kind` of `Start`) or a multisocket strategy (`--strategy`).
    public struct Choice: Codable, Sendable, Equatable {
        public var name: String
        public var summary: String
        public var mirrors: String
        public init(name: String, summary: String, mirrors: String) {
            self.name = name
            self.summary = summary
            self.mirrors = mirrors
        }
    }

    /// What an engine does (IDL `KindInfo`).
    public typealias Kind = Choice
    /// How a multisocket engine drives its per-socket futures (IDL `StrategyInfo`).
    public typealias Strategy = Choice

    public struct Reply: Codable, Sendable, Equatable {
        public var backends: [Backend]
        public var kinds: [Kind]
        public var strategies: [Strategy]
        public init(backends: [Backend], kinds: [Kind], strategies: [Strategy]) {
            self.backends = backends
            self.kinds = kinds
            self.strategies = strategies
        }
    }
}
