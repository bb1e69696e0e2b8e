/// A named engine spec: what the config file declares, what `engines.json` keeps, what `Start` asks for.
public struct EngineDefinition: Codable, Sendable, Equatable {
    /// The engine's unique name.
    public var name: EngineName
    /// What to run.
    public var spec: EngineSpec

    /// Names `spec`.
    public init(name: EngineName, spec: EngineSpec) {
        self.name = name
        self.spec = spec
    }
}
