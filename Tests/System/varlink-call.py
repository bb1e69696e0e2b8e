#!/usr/bin/env python3
"""One raw varlink call, for the system test's hooks that udplabctl does not offer.

Usage: varlink-call.py SOCKET METHOD [PARAMETERS-JSON]; prints the reply, exits 1 on an error reply.
"""
import json
import socket
import sys

path, method = sys.argv[1], sys.argv[2]
parameters = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
client.settimeout(10)
client.connect(path)
client.sendall(json.dumps({"method": method, "parameters": parameters}).encode() + b"\0")
reply = b""
while not reply.endswith(b"\0"):
    chunk = client.recv(65536)
    if not chunk:
        break
    reply += chunk
print(reply.rstrip(b"\0").decode())
sys.exit(1 if b'"error"' in reply else 0)
