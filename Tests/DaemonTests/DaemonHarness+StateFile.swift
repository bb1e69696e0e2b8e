import Foundation
import UDPLabProtocol

extension DaemonHarness {
    /// The state file's shape, as udplabd writes version 1.
    private struct StateFile: Encodable {
        var version = 1
        var engines: [EngineDefinition]
    }

    /// Writes `definitions` as the state file (creating the state directory), as a daemon would
    /// have saved them.
    func writeStateFile(_ definitions: [EngineDefinition]) throws {
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let data = try JSONEncoder().encode(StateFile(engines: definitions))
        try data.write(to: URL(fileURLWithPath: stateFile))
    }

    /// The names of the engines in the state file.
    func savedNames() throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: stateFile))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let engines = object?["engines"] as? [[String: Any]] ?? []
        return engines.compactMap { $0["name"] as? String }
    }

    /// Starts udplabd with this harness's paths and waits for it to exit (it is expected to refuse
    /// to start): its status and output.
    func runExpectingExit(socket: String? = nil) throws -> (status: Int32, stderr: String) {
        let child = try ChildProcess(
            executable: ChildProcess.productPath("udplabd"),
            arguments: [
                "--config", configPath, "--socket", socket ?? socketPath, "--state-dir", stateDirectory,
                "--log-target", "console",
            ]
        )
        let status = try child.waitForExit()
        return (status, child.stderr)
    }
}

extension EngineDefinition {
    /// A definition for tests; `name` must be a valid engine name.
    static func named(_ name: String, _ spec: EngineSpec) throws -> EngineDefinition {
        EngineDefinition(name: try EngineName(name), spec: spec)
    }
}
