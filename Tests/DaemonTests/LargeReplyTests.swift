import Foundation
import Testing
import UDPLabProtocol

/// `udplabctl` shows every engine the daemon allows: replies are bounded by the daemon's limits
/// (256 engines, 4096 engine sockets), not by the 64 KiB that bounds a call.
@Suite("Large replies", .serialized)
final class LargeReplyTests {
    let daemon: DaemonHarness

    init() throws {
        daemon = try DaemonHarness()
        try daemon.start()
    }

    /// Starts transient engines named `prefix0`, `prefix1`, … with `parameters` (JSON members).
    private func startEngines(_ count: Int, prefix: String, _ parameters: String) throws {
        let client = try daemon.connect()
        for index in 0..<count {
            let reply = try client.call(
                StartMethod.name,
                #"{"name":"\#(prefix)\#(index)",\#(parameters),"bind":"127.0.0.1:0","transient":true}"#
            )
            try #require(reply.error == nil, "engine \(index): \(reply.object)")
        }
    }

    /// `list`, `stats` and `stats --json` succeed and show every engine; `stats --watch` streams them.
    private func expectEveryCommandShows(_ names: [String], sockets: Int) throws {
        let (listStatus, list, listError) = try daemon.ctl(["list"])
        #expect(listStatus == 0, "\(listError)")
        #expect(names.allSatisfy { list.contains($0) })

        let (statsStatus, stats, statsError) = try daemon.ctl(["stats"])
        #expect(statsStatus == 0, "\(statsError)")
        #expect(names.allSatisfy { stats.contains($0) })

        let reply = try daemon.ctlJSON(["stats"], as: StatsMethod.Reply.self)
        #expect(Set(reply.engines.map(\.name)) == Set(names))
        #expect(reply.engines.map(\.sockets.count).reduce(0, +) == sockets)

        let watch = try ChildProcess(
            executable: ChildProcess.productPath("udplabctl"),
            arguments: ["--socket", daemon.socketPath, "stats", "--watch", "0.2", "--json"]
        )
        // A line of a few hundred KiB arrives in pieces: wait for one that is whole JSON.
        let line = try watch.waitForLine(timeout: .seconds(30)) {
            $0.hasPrefix("{") && (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil
        }
        let streamed = try JSONDecoder().decode(StatsMethod.Reply.self, from: Data(line.utf8))
        #expect(Set(streamed.engines.map(\.name)) == Set(names))
        watch.interrupt()
        #expect(try watch.waitForExit() == 0, "\(watch.stderr)")

        let text = try ChildProcess(
            executable: ChildProcess.productPath("udplabctl"),
            arguments: ["--socket", daemon.socketPath, "stats", "--watch", "0.2"]
        )
        let last = try #require(names.last)
        _ = try text.waitForLine(timeout: .seconds(30)) { $0.contains(last) }
        text.interrupt()
        #expect(try text.waitForExit() == 0, "\(text.stderr)")
    }

    @Test("256 echo engines: list, stats, stats --json and stats --watch show them all")
    func maximumEngines() throws {
        try startEngines(ControlProtocol.maximumEngines, prefix: "echo-engine-", #""kind":"echo""#)
        let names = (0..<ControlProtocol.maximumEngines).map { "echo-engine-\($0)" }
        try expectEveryCommandShows(names, sockets: 0)
    }

    @Test(
        "Four 1024-socket multisocket engines: list, stats, stats --json and stats --watch show them all",
        .enabled(if: LargeReplyTests.descriptorLimit >= 8192, "needs RLIMIT_NOFILE ≥ 8192 (the unit's LimitNOFILE)")
    )
    func maximumEngineSockets() throws {
        try startEngines(4, prefix: "many-", #""kind":"multisocket","count":1024"#)
        try expectEveryCommandShows((0..<4).map { "many-\($0)" }, sockets: ControlProtocol.maximumEngineSockets)
    }

    /// The soft descriptor limit the daemon inherits.
    static var descriptorLimit: UInt64 {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        return UInt64(limit.rlim_cur)
    }
}
