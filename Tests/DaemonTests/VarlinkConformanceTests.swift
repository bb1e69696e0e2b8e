import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

/// The control socket speaks varlink: a raw client writing NUL-terminated frames gets correct replies.
@Suite("Varlink conformance", .serialized)
final class VarlinkConformanceTests {
    let daemon: DaemonHarness

    init() throws {
        daemon = try DaemonHarness()
        try daemon.start()
    }

    @Test("GetInfo names the product and both interfaces")
    func getInfo() throws {
        let reply = try daemon.connect().call("org.varlink.service.GetInfo")
        #expect(reply.error == nil)
        #expect(reply.object["product"] as? String == "udplabd")
        #expect(reply.object["version"] as? String == ControlProtocol.productVersion)
        #expect(reply.object["interfaces"] as? [String] == ["org.varlink.service", "io.udplab"])
    }

    @Test("GetInterfaceDescription returns the shipped IDL")
    func getInterfaceDescription() throws {
        let client = try daemon.connect()
        let reply = try client.call("org.varlink.service.GetInterfaceDescription", #"{"interface":"io.udplab"}"#)
        let shipped = try String(contentsOfFile: ChildProcess.packagingPath("io.udplab.varlink"), encoding: .utf8)
        #expect(reply.object["description"] as? String == shipped.trimmingCharacters(in: .newlines))
        let unknown = try client.call(
            "org.varlink.service.GetInterfaceDescription",
            #"{"interface":"com.example.Nope"}"#
        )
        #expect(unknown.error == "org.varlink.service.InterfaceNotFound")
    }

    @Test("Every method answers; replies come in order on one connection")
    func everyMethod() throws {
        let client = try daemon.connect()
        let started = try client.call(
            StartMethod.name,
            #"{"name":"conf","kind":"echo","backend":"epoll-edge","bind":"127.0.0.1:0","transient":true}"#
        )
        #expect(started.error == nil)
        let engine = started.object["engine"] as? [String: Any]
        #expect(engine?["name"] as? String == "conf")
        #expect(engine?["state"] as? String == "running")
        #expect(engine?["transient"] as? Bool == true)

        // Pipelined: three calls written at once, three replies in order.
        try client.send(#"{"method":"io.udplab.List"}"#)
        try client.send(#"{"method":"io.udplab.Stats","parameters":{"names":["conf"]}}"#)
        try client.send(#"{"method":"io.udplab.Status"}"#)
        let list = try client.readReply()
        let stats = try client.readReply()
        let status = try client.readReply()
        #expect((list.object["engines"] as? [[String: Any]])?.map { $0["name"] as? String } == ["conf"])
        #expect(
            ((stats.object["engines"] as? [[String: Any]])?.first?["counters"] as? [String: Any])?["rx_datagrams"]
                as? Int == 0
        )
        #expect(status.object["version"] as? String == ControlProtocol.productVersion)
        #expect(status.object["engines"] as? Int == 1)

        let backends = try client.call(BackendsMethod.name)
        #expect((backends.object["backends"] as? [[String: Any]])?.count == Backend.allCases.count)
        #expect(try client.call(SetLogLevelMethod.name, #"{"level":"debug"}"#).error == nil)
        #expect(try client.call(ReloadMethod.name).error == nil)
        let stopped = try client.call(StopMethod.name, #"{"names":["conf"]}"#)
        #expect(stopped.object["stopped"] as? [String] == ["conf"])
        #expect(try client.call(StopMethod.name, #"{"names":["conf"]}"#).error == "io.udplab.EngineNotFound")
    }

    @Test("An unknown method is MethodNotFound; an unknown interface InterfaceNotFound")
    func unknownMethod() throws {
        let client = try daemon.connect()
        let reply = try client.call("io.udplab.Explode")
        #expect(reply.error == "org.varlink.service.MethodNotFound")
        #expect(reply.object["method"] as? String == "io.udplab.Explode")
        #expect(try client.call("com.example.Thing.Do").error == "org.varlink.service.InterfaceNotFound")
    }

    @Test(
        "A parameter of the wrong type is InvalidParameter naming it",
        arguments: [
            (StartMethod.name, #"{"kind":"echo","queue":"eight"}"#, "queue"),
            (StartMethod.name, #"{"backend":"poll"}"#, "kind"),
            (StopMethod.name, #"{"names":"echo"}"#, "names"),
            (StatsMethod.name, #"{"interval":"fast"}"#, "interval"),
            (SetLogLevelMethod.name, #"{"level":"loud"}"#, "level"),
        ]
    )
    func invalidParameter(method: String, parameters: String, name: String) throws {
        let reply = try daemon.connect().call(method, parameters)
        #expect(reply.error == "org.varlink.service.InvalidParameter")
        #expect(reply.object["parameter"] as? String == name)
    }

    @Test(
        "A number its field cannot hold is InvalidParameter naming the field and its range",
        arguments: ["1.5", "9223372036854775808", "1e20", "1e400", "-1", "0"]
    )
    func numberOutOfRange(value: String) throws {
        let reply = try daemon.connect().call(StartMethod.name, #"{"kind":"echo","queue":\#(value)}"#)
        #expect(reply.error == "org.varlink.service.InvalidParameter")
        #expect(reply.object["parameter"] as? String == "queue")
        #expect((reply.object["reason"] as? String)?.contains("from 1 to 4096") == true, "\(reply.object)")
    }

    @Test("\"parameters\": null is the same as {}")
    func nullParameters() throws {
        let client = try daemon.connect()
        try client.send(#"{"method":"io.udplab.List","parameters":null}"#)
        let reply = try client.readReply()
        #expect(reply.error == nil, "\(reply.object)")
        #expect(reply.object["engines"] is [Any])
    }

    @Test(
        "An unknown parameter is InvalidParameter naming it",
        arguments: [
            (StartMethod.name, #"{"kind":"echo","qeue":8}"#, "qeue"),
            (ListMethod.name, #"{"all":true}"#, "all"),
            (StatusMethod.name, #"{"verbose":null}"#, "verbose"),
            (StatsMethod.name, #"{"name":"echo"}"#, "name"),
        ]
    )
    func unknownParameter(method: String, parameters: String, name: String) throws {
        let reply = try daemon.connect().call(method, parameters)
        #expect(reply.error == "org.varlink.service.InvalidParameter")
        #expect(reply.object["parameter"] as? String == name)
    }

    @Test(
        "more and oneway must be booleans",
        arguments: [#""more":"yes""#, #""more":1"#, #""oneway":1"#, #""oneway":"true""#]
    )
    func nonBooleanFlags(flag: String) throws {
        let client = try daemon.connect()
        try client.send(#"{"method":"io.udplab.Status",\#(flag)}"#)
        let reply = try client.readReply()
        #expect(reply.error == "org.varlink.service.InvalidParameter")
        #expect(flag.contains(try #require(reply.object["parameter"] as? String)))
        #expect(try client.call(StatusMethod.name).error == nil, "the connection stays usable")
    }

    @Test("A oneway call gets no reply even when it is refused")
    func onewayErrors() throws {
        let client = try daemon.connect()
        try client.send(#"{"method":"io.udplab.Status","oneway":true,"more":"yes"}"#)
        try client.send(#"{"method":"io.udplab.SetLogLevel","parameters":{"level":"loud"},"oneway":true}"#)
        try client.send(#"{"method":"io.udplab.List","parameters":{"bogus":1},"oneway":true}"#)
        let status = try client.call(StatusMethod.name)
        #expect(status.error == nil, "the next reply is Status's own: \(status.object)")
        #expect(status.object["version"] as? String == ControlProtocol.productVersion)
    }

    @Test("org.varlink.service's description declares every standard error")
    func serviceErrors() throws {
        let reply = try daemon.connect().call(
            "org.varlink.service.GetInterfaceDescription",
            #"{"interface":"org.varlink.service"}"#
        )
        let description = try #require(reply.object["description"] as? String)
        for error in [
            "InterfaceNotFound (interface: string)", "MethodNotFound (method: string)",
            "MethodNotImplemented (method: string)", "InvalidParameter (parameter: string)", "PermissionDenied ()",
            "ExpectedMore ()",
        ] {
            #expect(description.contains("error " + error), "\(error)")
        }
    }

    @Test("A call pipelined behind a stream is answered after the stream's last reply")
    func pipelinedBehindStream() throws {
        let admin = try daemon.connect()
        let started = try admin.call(
            StartMethod.name,
            #"{"name":"streamed","kind":"echo","bind":"127.0.0.1:0","transient":true}"#
        )
        #expect(started.error == nil)
        let client = try daemon.connect()
        #expect(try client.call(StatsMethod.name, #"{"names":["streamed"],"interval":0.05}"#, more: true).continues)
        try client.send(#"{"method":"io.udplab.Status"}"#)
        #expect(try client.readReply().continues, "the stream goes on")
        #expect(try admin.call(StopMethod.name, #"{"names":["streamed"]}"#).error == nil)
        // The stream ends with the engine (its last reply is the error), then Status is answered.
        var last = try client.readReply()
        while last.continues { last = try client.readReply() }
        #expect(last.error == "io.udplab.EngineNotFound")
        let status = try client.readReply()
        #expect(status.error == nil)
        #expect(status.object["version"] as? String == ControlProtocol.productVersion)
    }

    @Test("A bad spec is InvalidSpec with the reason; a busy address AddressInUse")
    func typedStartErrors() throws {
        let client = try daemon.connect()
        let badBackend = try client.call(StartMethod.name, #"{"kind":"echo","backend":"nope","bind":"127.0.0.1:0"}"#)
        #expect(badBackend.error == "io.udplab.InvalidSpec")
        #expect((badBackend.object["reason"] as? String)?.contains("unknown backend 'nope'") == true)
        let holder = try UDPSocket(binding: .init(loopbackPort: 0))
        let busy = try client.call(StartMethod.name, #"{"kind":"echo","name":"busy","bind":"\#(holder.localAddress)"}"#)
        #expect(busy.error == "io.udplab.AddressInUse")
        #expect(busy.object["address"] as? String == holder.localAddress.description)
    }

    @Test("more: Stats streams continues:true replies until the client disconnects")
    func streaming() throws {
        let client = try daemon.connect()
        let first = try client.call(StatsMethod.name, #"{"interval":0.05}"#, more: true)
        #expect(first.continues)
        #expect(try client.readReply().continues)
        #expect(try client.readReply().continues)
        // Closing the connection ends the stream; the daemon keeps serving others.
        let other = try daemon.connect()
        #expect(try other.call(StatusMethod.name).error == nil)
    }

    @Test("oneway: the call is carried out and nothing is sent back")
    func oneway() throws {
        let client = try daemon.connect()
        try client.send(#"{"method":"io.udplab.SetLogLevel","parameters":{"level":"warning"},"oneway":true}"#)
        let status = try client.call(StatusMethod.name)
        #expect(status.object["log_level"] as? String == "warning", "the next reply on the connection is Status's own")
    }
}
