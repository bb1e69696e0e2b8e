"""Drives udplabd with the PyPI varlink client (a third-party implementation of the protocol).

Usage: python_client.py SOCKET. Exits 0 when every exchange gives what the varlink spec and
docs/protocol.md say, else prints what differed and exits 1. Run by PythonVarlinkClientTests
through `make test`, which installs the client into .venv (`make venv`).
"""

import sys

import varlink

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


address = "unix:" + sys.argv[1]
with varlink.Client(address=address) as client:
    with client.open("org.varlink.service") as service:
        info = service.GetInfo()
        check(info["product"] == "udplabd", f"GetInfo: {info}")
        check(info["interfaces"] == ["org.varlink.service", "io.udplab"], f"interfaces: {info}")
        idl = service.GetInterfaceDescription("org.varlink.service")["description"]
        for error in ["InterfaceNotFound", "MethodNotFound", "MethodNotImplemented", "InvalidParameter",
                      "PermissionDenied", "ExpectedMore"]:
            check(f"error {error} " in idl, f"org.varlink.service declares {error}")
        # The client parses the IDL to build its proxy: this fails on an IDL it cannot read.
        check("method Start(" in service.GetInterfaceDescription("io.udplab")["description"], "io.udplab IDL")

    with client.open("io.udplab", namespaced=True) as udplab:
        status = udplab.Status()
        check(status.interface_version == 1, f"Status: {status}")
        started = udplab.Start(kind="echo", name="py", bind="127.0.0.1:0", transient=True)
        check(started.engine.state == "running", f"Start: {started}")
        replies = 0
        for reply in udplab.Stats(names=["py"], interval=0.05, _more=True):
            check([engine.name for engine in reply.engines] == ["py"], f"Stats: {reply}")
            replies += 1
            if replies == 3:
                break
        check(replies == 3, "three streamed Stats replies")

    # This client's namespaced mode cannot build error objects, so errors are read as dicts.
    with client.open("io.udplab") as udplab:
        # (The client itself turns 1.5 into 1 and drops unknown keywords: those are tested raw.)
        for parameters, field in [({"queue": 10 ** 20}, "queue"), ({"queue": 0}, "queue"),
                                  ({"interval": 1e300, "kind": "mixed"}, "interval")]:
            try:
                udplab.Start(**{"kind": "echo", "bind": "127.0.0.1:0", "transient": True, **parameters})
                failures.append(f"Start {parameters} succeeded")
            except varlink.VarlinkError as error:
                check(error.error() == "org.varlink.service.InvalidParameter", f"Start {parameters}: {error}")
                check(error.parameters().get("parameter") == field, f"Start {parameters}: {error}")
        try:
            udplab.Stop(names=["nope"])
            failures.append("Stop of an unknown engine succeeded")
        except varlink.VarlinkError as error:
            check(error.error() == "io.udplab.EngineNotFound", f"Stop nope: {error}")
        check(udplab.Stop(names=["py"])["stopped"] == ["py"], "Stop py")
        check(udplab.List()["engines"] == [], "List after Stop")

for failure in failures:
    print("FAILED:", failure)
sys.exit(1 if failures else 0)
