#!/usr/bin/env python3
"""Asks each address in turn, from one unconnected socket per family, and prints where each
reply came from: `ASKED SOURCE` per line, or `ASKED none` when no reply came in 5 s.

Usage: ask-each.py PORT ADDRESS...   (the reply-source tests of issue 14 run it in a client
network namespace against a udplabd echo engine on a wildcard address)
"""
import socket
import sys

port = int(sys.argv[1])
sockets = {}
for address in sys.argv[2:]:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    if family not in sockets:
        sockets[family] = socket.socket(family, socket.SOCK_DGRAM)
        sockets[family].settimeout(5)
    client = sockets[family]
    payload = ("ask " + address).encode()
    client.sendto(payload, (address, port))
    try:
        while True:
            data, source = client.recvfrom(2048)
            if data == payload:
                break
        print(address, source[0], flush=True)
    except socket.timeout:
        print(address, "none", flush=True)
