#!/usr/bin/env python3
"""Bad input to gocxx lsp, byte by byte: headers that are not LSP's, bodies
that are not JSON or not JSON-RPC, requests it does not know, requests
before initialize, notifications for documents that are not open, malformed
params -- each answered with a JSON-RPC error or logged, and the server goes
on answering. Then the client disappears in the middle of a message: the
server ends by itself, status 1.

usage: malformed.py GOCXX FILE   (prints what it sees for FileCheck)"""
import json
import os
import subprocess
import sys
import threading
import time

gocxx, source = sys.argv[1], os.path.abspath(sys.argv[2])
server = subprocess.Popen([gocxx, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
replies = []
lock = threading.Condition()


def read_replies():
    f = server.stdout
    while True:
        header = b""
        while not header.endswith(b"\r\n\r\n"):
            c = f.read(1)
            if not c:
                return
            header += c
        length = int(header.split(b":")[1].split(b"\r\n")[0])
        with lock:
            replies.append(json.loads(f.read(length)))
            lock.notify_all()


threading.Thread(target=read_replies, daemon=True).start()


def raw(data):
    server.stdin.write(data)
    server.stdin.flush()


def send(message):
    body = json.dumps(message).encode()
    raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)


def reply(match, timeout=30):
    """The first reply `match` accepts, removed from the list."""
    deadline = time.time() + timeout
    with lock:
        while True:
            for r in replies:
                if match(r):
                    replies.remove(r)
                    return r
            left = deadline - time.time()
            if left <= 0:
                return None
            lock.wait(left)


def show(label, r):
    if r is None:
        print(label + ": no reply")
    elif r.get("method") == "textDocument/publishDiagnostics":
        print("%s: version %s, %d diagnostics" % (label, r["params"].get("version", "none"),
                                                  len(r["params"]["diagnostics"])))
    elif "error" in r:
        print("%s: id=%s error %d %s" % (label, json.dumps(r.get("id")), r["error"]["code"], r["error"]["message"]))
    else:
        print("%s: id=%s result %s" % (label, json.dumps(r.get("id")), json.dumps(r.get("result"))[:60]))


def by_id(i):
    return lambda r: r.get("id") == i


# Before initialize.
send({"jsonrpc": "2.0", "id": 1, "method": "textDocument/codeAction", "params": {}})
show("before initialize", reply(by_id(1)))
# Framing: a header that is not LSP's, then garbage glued to a good message.
raw(b"Content-Lenght: 12\r\n\r\n")
raw(b"garbage without a header")
send({"jsonrpc": "2.0", "id": 2, "method": "initialize", "params": {"capabilities": {}}})
show("initialize after garbage", reply(by_id(2)))
# A header field LSP does not define is ignored.
body = json.dumps({"jsonrpc": "2.0", "id": 20, "method": "workspace/symbol", "params": {}}).encode()
raw(b"Content-Length: %d\r\nX-Trace-Id: 7\r\n\r\n" % len(body) + body)
show("an extra header field", reply(by_id(20)))
raw(b"Content-Length: many\r\n\r\n")
# Not JSON; JSON but not an object; an object without a method or an id.
body = b"{not json"
raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
show("invalid JSON", reply(lambda r: "error" in r and r["error"]["code"] == -32700))
send([1, 2, 3])
show("an array", reply(lambda r: "error" in r and r["error"]["code"] == -32600))
send({"jsonrpc": "2.0", "id": 3, "method": 42})
show("a number as method", reply(by_id(3)))
send({"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": {}})
show("unknown method", reply(by_id(4)))
send({"jsonrpc": "2.0", "id": 5, "method": "initialize", "params": {"capabilities": {}}})
show("initialize again", reply(by_id(5)))
# Documents that are not open, malformed params, a URI of another machine.
uri = "file://" + source
send({"jsonrpc": "2.0", "id": 6, "method": "textDocument/codeAction",
      "params": {"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0},
                                                       "end": {"line": 0, "character": 0}}, "context": {}}})
show("code action, document not open", reply(by_id(6)))
send({"jsonrpc": "2.0", "id": 7, "method": "textDocument/codeAction", "params": {"textDocument": {}}})
show("code action, no uri", reply(by_id(7)))
send({"jsonrpc": "2.0", "method": "textDocument/didChange",
      "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": ""}]}})
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": "http://example.com/a.cpp", "version": 1, "text": ""}}})
send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri}}})
# A real document, then a change with a range past its end and one with a
# range that is not one: the first is clamped (LSP), the second ignored.
with open(source) as f:
    text = f.read()
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "cpp", "version": 1, "text": text}}})
show("open", reply(lambda r: r.get("method") == "textDocument/publishDiagnostics" and r["params"]["version"] == 1))
send({"jsonrpc": "2.0", "method": "textDocument/didChange",
      "params": {"textDocument": {"uri": uri, "version": 2},
                 "contentChanges": [{"range": {"start": {"line": 9999, "character": 0},
                                               "end": {"line": 9999, "character": 0}}, "text": "\n// end\n"}]}})
show("change past the end", reply(lambda r: r.get("method") == "textDocument/publishDiagnostics" and r["params"]["version"] == 2))
for i, bad in enumerate([{"start": 5, "end": 5}, {"start": {"line": "1", "character": 0}, "end": None}]):
    send({"jsonrpc": "2.0", "id": 30 + i, "method": "textDocument/codeAction",
          "params": {"textDocument": {"uri": uri}, "range": bad, "context": {}}})
    show("code action, malformed range", reply(by_id(30 + i)))
send({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}})
show("close", reply(lambda r: r.get("method") == "textDocument/publishDiagnostics" and "version" not in r["params"]))
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "cpp", "version": 2, "text": text}}})
show("reopen", reply(lambda r: r.get("method") == "textDocument/publishDiagnostics" and r["params"].get("version") == 2))
send({"jsonrpc": "2.0", "method": "textDocument/didChange",
      "params": {"textDocument": {"uri": uri, "version": 3},
                 "contentChanges": [{"range": {"start": {"line": -1}}, "text": "x"}]}})
send({"jsonrpc": "2.0", "id": 8, "method": "shutdown"})
show("shutdown", reply(by_id(8)))
send({"jsonrpc": "2.0", "id": 9, "method": "textDocument/codeAction", "params": {}})
show("after shutdown", reply(by_id(9)))
# The client goes away in the middle of a message.
raw(b"Content-Length: 100\r\n\r\n{\"jsonrpc\":")
server.stdin.close()
try:
    status = server.wait(timeout=30)
except subprocess.TimeoutExpired:
    server.kill()
    status = "still running"
print("client gone: exit status %s" % status)
for line in server.stderr.read().decode().splitlines():
    print("log: " + line)
