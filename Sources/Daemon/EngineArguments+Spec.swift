import UDPLabCommandLine
import UDPLabProtocol

extension EngineArguments {
    /// The spec `udplabd run` starts: these options on `kind`, checked.
    /// - Throws: ``CommandFailure`` (exit status 64) naming the bad option.
    func spec(kind: EngineKind) throws(CommandFailure) -> EngineSpec {
        let spec: EngineSpec
        do {
            spec = try EngineSpec(kind: kind, options: values)
        } catch {
            throw CommandFailure(message: error.message(naming: "--\(error.option.name)"), exitCode: 64)
        }
        if let problem = spec.problems().first { throw CommandFailure(message: problem.message, exitCode: 64) }
        return spec
    }
}
