import Foundation
import Testing

/// The interpreter of `make venv`'s virtual environment.
private let venvPython = ChildProcess.packageRoot.appendingPathComponent(".venv/bin/python").path

/// A third-party varlink implementation, the PyPI `varlink` client, drives a real daemon:
/// introspection, calls, a `more` stream and typed errors (`Tests/Varlink/python_client.py`).
///
/// Needs `.venv` with the client (`make venv`, which `make test` runs first).
@Suite(
    "PyPI varlink client",
    .enabled(if: FileManager.default.fileExists(atPath: venvPython), "run `make venv` first")
)
final class PythonVarlinkClientTests {
    @Test("The PyPI varlink client gets what the spec and docs/protocol.md promise")
    func pythonClient() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        let script = ChildProcess.packageRoot.appendingPathComponent("Tests/Varlink/python_client.py").path
        let (status, stdout, stderr) = try ChildProcess.run(venvPython, [script, daemon.socketPath])
        #expect(status == 0, "\(stdout)\(stderr)")
    }
}
