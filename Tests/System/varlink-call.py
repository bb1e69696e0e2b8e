#!/usr/bin/env python3
"""One raw varlink call, for the system test's hooks that udplabctl does not offer.

Usage: varlink-call.py [--more] SOCKET METHOD [PARAMETERS-JSON]; prints the reply (with --more,
every reply of the stream, one a line), exits 1 on an error reply.
"""
import json
import socket
import sys

arguments = sys.argv[1:]
more = arguments[:1] == ["--more"]
if more:
    arguments = arguments[1:]
path, method = arguments[0], arguments[1]
parameters = json.loads(arguments[2]) if len(arguments) > 2 else {}
client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
client.settimeout(10)
client.connect(path)
call = {"method": method, "parameters": parameters}
if more:
    call["more"] = True
client.sendall(json.dumps(call).encode() + b"\0")
buffered = b""
failed = False
while True:
    while b"\0" not in buffered:
        chunk = client.recv(65536)
        if not chunk:
            sys.exit(1)
        buffered += chunk
    frame, buffered = buffered.split(b"\0", 1)
    print(frame.decode())
    reply = json.loads(frame)
    failed = failed or "error" in reply
    if not (more and reply.get("continues")):
        break
sys.exit(1 if failed else 0)
