"""Drives udplabd's io.systemd.Metrics socket with the PyPI varlink client.

Usage: metrics_client.py SOCKET NAME:KIND,... FAMILY... (the daemon's engines, the first an echo
engine that echoed 3 datagrams; every family udplabd declares, by its io.systemd.Metrics name).
Exits 0 when List and Describe (with more) report every family, the engines' series name them as
their object, a family is listed alone by name, NoSuchMetric answers
an unknown one and ExpectedMore a call without more; else prints what differed and exits 1.
Run by SystemdMetricsTests through `make test`, which installs the client into .venv.
"""

import sys

import varlink

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


address = "unix:" + sys.argv[1]
# The engines, NAME:KIND by commas, the first an echo engine that echoed 3 datagrams.
engines = dict(pair.split(":") for pair in sys.argv[2].split(","))
engine = sys.argv[2].split(",")[0].split(":")[0]
families = sys.argv[3:]
with varlink.Client(address=address) as client:
    with client.open("org.varlink.service") as service:
        info = service.GetInfo()
        check(info["interfaces"] == ["org.varlink.service", "io.systemd.Metrics"], f"GetInfo: {info}")

    # The client parses the IDL to build its proxy: opening fails on an IDL it cannot read.
    with client.open("io.systemd.Metrics") as metrics:
        described = list(metrics.Describe(_more=True))
        check([d["name"] for d in described] == families, f"Describe names: {[d['name'] for d in described]}")
        for d in described:
            check(d["type"] in ("counter", "gauge", "string"), f"type of {d}")
            check(d["description"], f"description of {d}")

        listed = list(metrics.List(_more=True))
        names = {m["name"] for m in listed}
        # Every family has series now (the relay has two sockets and a consumer).
        missing = [f for f in families if f not in names]
        check(not missing, f"families not listed: {missing}")
        for m in listed:
            check(m["name"].startswith("io.udplab."), f"name {m}")
            check("value" in m, f"value in {m}")
            if m["name"].startswith("io.udplab.Engine."):
                check(m.get("object") in engines, f"object of {m}")
                check(m["fields"]["kind"] == engines.get(m.get("object")), f"fields of {m}")
        received = [
            m for m in listed if m["name"] == "io.udplab.Engine.receivedDatagrams" and m.get("object") == engine
        ]
        check(len(received) == 1 and received[0]["value"] == 3, f"receivedDatagrams: {received}")
        state = [m for m in listed if m["name"] == "io.udplab.Engine.state"]
        check(
            sorted(m.get("object") for m in state) == sorted(engines)
            and all(m["value"] == "running" for m in state),
            f"state: {state}",
        )

        alone = list(metrics.List(name="io.udplab.Engine.sentDatagrams", _more=True))
        check(
            [m["name"] for m in alone] == ["io.udplab.Engine.sentDatagrams"] * len(engines),
            f"List by name: {alone}",
        )
        one = list(metrics.Describe(name="io.udplab.Process.openFds", _more=True))
        check(len(one) == 1 and one[0]["type"] == "gauge", f"Describe by name: {one}")

    for call in ("List", "Describe"):
        with client.open("io.systemd.Metrics") as metrics:
            try:
                list(getattr(metrics, call)(name="io.udplab.Engine.noSuchThing", _more=True))
                failures.append(f"{call} of an unknown metric did not fail")
            except varlink.VarlinkError as error:
                check(error.error() == "io.systemd.Metrics.NoSuchMetric", f"{call} unknown: {error.error()}")
        with client.open("io.systemd.Metrics") as metrics:
            try:
                getattr(metrics, call)()
                failures.append(f"{call} without more did not fail")
            except varlink.VarlinkError as error:
                check(error.error() == "org.varlink.service.ExpectedMore", f"{call} without more: {error.error()}")

for failure in failures:
    print("FAIL:", failure)
sys.exit(1 if failures else 0)
