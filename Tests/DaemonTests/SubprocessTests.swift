import Foundation
import Testing
import UDPLabOS

/// `Subprocess`, what `udplabctl -H` runs ssh as: the child starts with the usual signals at their
/// defaults whatever this process ignores, so a Ctrl-C reaches it.
@Suite("Subprocess")
struct SubprocessTests {
    @Test("A child gets SIGINT at its default even while this process ignores it (as stats --watch does)")
    func signalsStartAtTheirDefaults() throws {
        let previous = signal(SIGINT, SIG_IGN)
        defer { signal(SIGINT, previous) }
        let pair = try UnixStreamSocket.pair()
        // A shell cannot undo a signal ignored on entry: with SIGINT inherited as ignored, this
        // child would outlive its own SIGINT and sleep.
        let child = try Subprocess(
            program: "/bin/sh",
            arguments: ["-c", "kill -INT $$; exec sleep 30"],
            standardIO: pair.remote
        )
        _ = pair.closingRemote()
        #expect(child.wait(timeout: .seconds(10)) == .killed(.interrupt))
    }
}
