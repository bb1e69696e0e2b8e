import Foundation
import Testing

/// The journal's warning of an echo engine that other hosts can reach with no rate limit: a
/// daemon inside the server namespace of a ``NetnsPath`` (whose 198.18.0.1 is reachable only
/// from its client namespace) declares three engines, and only the one on 198.18.0.1 without a
/// limit is warned of (here the journal is the console log on stderr); of two relays, the one
/// whose consumers register on 198.18.0.1.
@Suite("Unlimited engine warning", .serialized)
struct UnlimitedEngineJournalTests {
    @Test(
        "An echo engine on a non-loopback address with no rate limit gets one 'engine without rate limit' warning",
        .enabled(if: NetnsPath.isAvailable, "needs root: network namespaces")
    )
    func warnsOfExposedEngines() throws {
        let path = try NetnsPath()
        let harness = try DaemonHarness(
            config: """
                [daemon]
                stats_interval = "1h"

                [[engine]]
                name = "open"
                bind = "\(NetnsPath.serverIPv4):0"

                [[engine]]
                name = "limited"
                bind = "\(NetnsPath.serverIPv4):0"
                rate_limit = "100/20"

                [[engine]]
                name = "local"
                bind = "127.0.0.1:0"

                [[engine]]
                name = "open-relay"
                kind = "relay"
                bind = "127.0.0.1:0"
                consumer_bind = "\(NetnsPath.serverIPv4):0"

                [[engine]]
                name = "local-relay"
                kind = "relay"
                bind = "\(NetnsPath.serverIPv4):0"
                consumer_bind = "127.0.0.1:0"
                """
        )
        let daemon = try ChildProcess(
            executable: "/usr/sbin/ip",
            arguments: [
                "netns", "exec", path.namespace(.server), ChildProcess.productPath("udplabd"),
                "--config", harness.configPath, "--socket", harness.socketPath, "--state-dir",
                harness.stateDirectory, "--log-target", "console",
            ]
        )
        defer {
            daemon.kill()
            _ = try? daemon.waitForExit()
        }
        try daemon.waitForStderrLine { $0.contains("daemon ready") }
        let warnings = daemon.stderr.split(separator: "\n").filter { $0.contains("engine without rate limit") }
        #expect(warnings.count == 1, "\(daemon.stderr)")
        #expect(warnings.first?.contains("open") == true)
        #expect(warnings.first?.contains("deny_source_ports") == true)
        // A relay is warned of by its consumer socket, where registrations come in.
        let relays = daemon.stderr.split(separator: "\n").filter { $0.contains("relay open to spoofed registrations") }
        #expect(relays.count == 1, "\(daemon.stderr)")
        #expect(relays.first?.contains("open-relay") == true)
        #expect(relays.first?.contains("max_consumers") == true)
    }
}
