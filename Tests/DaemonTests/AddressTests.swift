import Foundation
import Testing

@testable import UDPLabOS
@testable import UDPLabProtocol

/// Addresses through the daemon: AddressInUse names the engine that holds the address; a config
/// with two engines on one address is refused by reload; `--dual-stack` goes over the wire, is
/// listed, saved and restored.
@Suite("Addresses")
struct AddressTests {
    @Test("AddressInUse names the daemon's engine that holds the address, or another process")
    func addressInUseNamesTheHolder() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        let first = try daemon.ctlJSON(
            ["start", "echo", "--name", "first", "--bind", "127.0.0.1:0"],
            as: StartMethod.Reply.self
        )
        let address = first.engine.address

        let (status, _, stderr) = try daemon.ctl(["start", "echo", "--name", "second", "--bind", address])
        #expect(status == 68)
        #expect(stderr == "udplabctl: address \(address) is already in use by engine 'first'\n", "\(stderr)")
        let reply = try daemon.connect().call(
            StartMethod.name,
            #"{"name":"third","kind":"echo","bind":"\#(address)"}"#
        )
        #expect(reply.error == "io.udplab.AddressInUse")
        #expect(reply.object["engine"] as? String == "first")

        // A multisocket range covering the address is named too.
        let port = try SocketAddress(parsing: address).port
        let (rangeStatus, _, rangeError) = try daemon.ctl([
            "start", "multisocket", "--name", "range", "--count", "2", "--bind", "127.0.0.1:\(port - 1)",
        ])
        if rangeStatus == 68, rangeError.contains("127.0.0.1:\(port)") {
            #expect(rangeError.contains("by engine 'first'"), "\(rangeError)")
        }

        let holder = try UDPSocket(binding: .init(loopbackPort: 0))
        let (otherStatus, _, otherError) = try daemon.ctl([
            "start", "echo", "--name", "busy", "--bind", holder.localAddress.description,
        ])
        #expect(otherStatus == 68)
        #expect(
            otherError.contains("address \(holder.localAddress) is already in use by another process"),
            "\(otherError)"
        )
    }

    @Test("Reload refuses a config with two engines on one address, at the second's line, and nothing changes")
    func reloadRefusesSharedAddresses() throws {
        let daemon = try DaemonHarness(config: "[[engine]]\nname = \"a\"\nbind = \"127.0.0.1:0\"\n")
        try daemon.start()
        try daemon.writeConfig(
            "[[engine]]\nname = \"a\"\nbind = \"127.0.0.1:2999\"\n[[engine]]\nname = \"b\"\nbind = \"127.0.0.1:2999\"\n"
        )
        let reply = try daemon.connect().call(ReloadMethod.name)
        #expect(reply.error == "io.udplab.InvalidSpec")
        let reason = reply.object["reason"] as? String ?? ""
        #expect(reason.contains("udplabd.toml:6"), "\(reason)")
        #expect(
            reason.contains("engine 'b' binds 127.0.0.1:2999, which the engine 'a' at line 3 binds too"),
            "\(reason)"
        )
        let list = try daemon.connect().call(ListMethod.name).decodeParameters(ListMethod.Reply.self)
        #expect(list.engines.map(\.bind) == ["127.0.0.1:0"])
    }

    @Test("--dual-stack is sent, listed, saved and restored; the restored engine answers IPv4")
    func dualStackPersists() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        let started = try daemon.ctlJSON(
            ["start", "echo", "--name", "both", "--bind", "[::]:0", "--dual-stack"],
            as: StartMethod.Reply.self
        )
        #expect(started.engine.dualStack == true)
        let (status, _, stderr) = try daemon.ctl([
            "start", "echo", "--name", "v4", "--bind", "127.0.0.1:0", "--dual-stack",
        ])
        #expect(status == 65)
        #expect(stderr.contains("--dual-stack needs an IPv6 --bind"), "\(stderr)")

        #expect(try daemon.stop() == 0)
        try daemon.start()
        let list = try daemon.connect().call(ListMethod.name).decodeParameters(ListMethod.Reply.self)
        let engine = try #require(list.engines.first { $0.name == "both" })
        #expect(engine.dualStack == true)
        let port = try SocketAddress(parsing: engine.address).port
        // Restored engines are bound before the daemon reports ready: one datagram, one echo.
        let client = try UDPSocket(binding: .init(loopbackPort: 0))
        _ = try Array("hello".utf8).withUnsafeBytes { try client.send($0, to: SocketAddress(loopbackPort: port)) }
        var pollSet = PollSet()
        pollSet.append(client.descriptor, events: .readable)
        #expect(try pollSet.wait(timeout: .seconds(5)) > 0, "no echo over IPv4 from the restored dual-stack engine")
    }
}
