import Foundation
import Testing
import UDPLabProtocol

/// Every numeric parameter of every method, test hooks included, refuses a number out of its
/// range with `InvalidParameter` naming the field and the range, and the daemon goes on serving.
@Suite("Numeric parameters", .serialized)
final class NumericParameterTests {
    let daemon: DaemonHarness

    init() throws {
        daemon = try DaemonHarness()
        try daemon.start(environment: ["UDPLABD_TEST_HOOKS": "1"])
        let started = try daemon.connect().call(
            StartMethod.name,
            #"{"name":"target","kind":"echo","bind":"127.0.0.1:0","transient":true}"#
        )
        #expect(started.error == nil)
    }

    /// Every numeric field: the method, the other parameters it needs, the field and its range's text.
    static let fields: [(method: String, base: String, field: String, range: String)] = [
        (StartMethod.name, #""kind":"multisocket""#, "count", "from 1 to 1024"),
        (StartMethod.name, #""kind":"echo""#, "queue", "from 1 to 4096"),
        (StartMethod.name, #""kind":"echo""#, "buffer", "from 1 to 65535"),
        (StartMethod.name, #""kind":"echo""#, "budget", "from 0 to 1000000"),
        (StartMethod.name, #""kind":"echo","backend":"mmsg""#, "batch", "from 1 to 1024"),
        (StartMethod.name, #""kind":"notify""#, "polls", "from 1 to 1000000"),
        (StartMethod.name, #""kind":"mixed""#, "interval", "from 0.01 to 3600"),
        (StatsMethod.name, #""names":["target"]"#, "interval", "from 0.05 to 3600"),
        ("io.udplab.Debug.StallEngine", #""name":"target""#, "seconds", "from 0 to 3600"),
    ]

    static let outOfRange = ["1e300", "-1e300", "9223372036854775808", "-9223372036854775809", "1e400", "-7"]

    @Test("Out-of-range numbers are InvalidParameter naming the field and its range", arguments: fields)
    func outOfRange(method: String, base: String, field: String, range: String) throws {
        let client = try daemon.connect()
        for value in Self.outOfRange {
            let reply = try client.call(method, "{\(base),\"\(field)\":\(value)}")
            #expect(reply.error == "org.varlink.service.InvalidParameter", "\(field): \(value)")
            #expect(reply.object["parameter"] as? String == field, "\(field): \(value)")
            #expect((reply.object["reason"] as? String)?.contains(range) == true, "\(field): \(value): \(reply.object)")
        }
        #expect(try client.call(StatusMethod.name).error == nil, "the daemon still serves")
    }

    @Test("An integer field refuses a fraction; a number field takes an integer")
    func integersAndFractions() throws {
        let client = try daemon.connect()
        let fraction = try client.call(StartMethod.name, #"{"kind":"echo","queue":8.5}"#)
        #expect(fraction.object["parameter"] as? String == "queue")
        let stall = try client.call("io.udplab.Debug.StallEngine", #"{"name":"target","seconds":0}"#)
        #expect(stall.error == nil, "\(stall.object)")
    }
}
