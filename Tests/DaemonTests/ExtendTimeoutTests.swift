import Foundation
import Testing
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol

/// `EXTEND_TIMEOUT_USEC=` as systemd receives it: a datagram socket stands in for `$NOTIFY_SOCKET`.
@Suite("sd_notify: EXTEND_TIMEOUT_USEC")
struct ExtendTimeoutTests {
    @Test("20 engines: one EXTEND_TIMEOUT_USEC=2000000 before READY=1, one after STOPPING=1")
    func oncePerPhase() throws {
        let engines = (0..<20).map { "[[engine]]\nname = \"e\($0)\"\nbind = \"127.0.0.1:0\"\n" }.joined()
        let daemon = try DaemonHarness(config: DaemonHarness.emptyConfig + engines)
        let notify = try UnixDatagramSocket(binding: daemon.directory + "/notify.sock")
        try daemon.start(environment: ["NOTIFY_SOCKET": daemon.directory + "/notify.sock"])

        var starting: [String] = []
        while let text = try notify.receive(timeout: .seconds(10)) {
            let lines = text.split(separator: "\n").map(String.init)
            starting += lines
            if lines.contains("READY=1") { break }
        }
        #expect(starting.contains("READY=1"))
        #expect(starting.filter { $0.hasPrefix("EXTEND_TIMEOUT_USEC=") } == ["EXTEND_TIMEOUT_USEC=2000000"])

        #expect(try daemon.stop() == 0)
        // The daemon has exited: all it sent is queued here already.
        var stopping: [String] = []
        while let text = try notify.receive(timeout: .zero) {
            stopping += text.split(separator: "\n").map(String.init)
        }
        let stop = try #require(stopping.firstIndex(of: "STOPPING=1"), "\(stopping)")
        #expect(stopping[stop...].filter { $0.hasPrefix("EXTEND_TIMEOUT_USEC=") } == ["EXTEND_TIMEOUT_USEC=2000000"])
        #expect(stopping[..<stop].allSatisfy { !$0.hasPrefix("EXTEND_TIMEOUT_USEC=") }, "\(stopping)")
    }
}
