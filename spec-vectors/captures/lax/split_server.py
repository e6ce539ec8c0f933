# Serves one HTTP response whose head is split over two TCP segments (port 80),
# and one DNS-over-TCP answer split over two segments (port 53).
import socket, struct, sys, threading, time
def http():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.77.0.2", 80)); s.listen(1)
    c, _ = s.accept(); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.recv(4096)
    body = b"<html><body>split head</body></html>\n"
    head = (b"HTTP/1.1 200 OK\r\nServer: split-test\r\nContent-Type: text/html\r\n"
            b"Content-Length: %d\r\nCache-Control: no-cache\r\n\r\n" % len(body))
    c.sendall(head[:60]); time.sleep(0.2); c.sendall(head[60:] + body)
    time.sleep(0.2); c.close(); s.close()
def dns():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.77.0.2", 53)); s.listen(1)
    c, _ = s.accept(); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    n = struct.unpack("!H", c.recv(2))[0]; q = b""
    while len(q) < n: q += c.recv(n - len(q))
    qid = q[:2]; qend = 12
    while q[qend] != 0: qend += q[qend] + 1
    question = q[12:qend + 5]
    ans = b""
    for i in range(1, 9):
        ans += b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + bytes([192, 0, 2, i])
    msg = qid + b"\x81\x80" + struct.pack("!HHHH", 1, 8, 0, 0) + question + ans
    wire = struct.pack("!H", len(msg)) + msg
    c.sendall(wire[:50]); time.sleep(0.2); c.sendall(wire[50:])
    time.sleep(0.2); c.close(); s.close()
t1 = threading.Thread(target=http); t2 = threading.Thread(target=dns)
t1.start(); t2.start(); t1.join(); t2.join()
