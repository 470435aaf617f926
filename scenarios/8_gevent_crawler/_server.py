"""The crawler's local web site: a real HTTP server on 127.0.0.1, in a process of its own.

    python _server.py PAGES LATENCY JITTER FAIL_RATE

prints the port it listens on, then serves /page/1 ... /page/PAGES until its
stdin closes (when the crawler that started it exits, for whatever reason).
Each page is answered after its planned delay; planned failures get a 500.
The crawler scripts use `local_site()` to start it and `planned_delays()` to
know the theory in advance.
"""

import contextlib
import random
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SEED = 2017  # the same delays and failures on every run, so variants compare fairly


def planned_delays(pages, latency, jitter):
    rng = random.Random(SEED)
    return [latency + rng.uniform(0, jitter) for _ in range(pages)]


def planned_failures(pages, fail_rate):
    rng = random.Random(SEED + 1)
    return {n for n in range(1, pages + 1) if rng.random() < fail_rate}


@contextlib.contextmanager
def local_site(pages, latency, jitter, fail_rate):
    """Start the server process; yield the page URLs; stop and reap it on every path."""
    server = subprocess.Popen(
        [sys.executable, __file__, str(pages), str(latency), str(jitter), str(fail_rate)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        port = int(server.stdout.readline())  # it prints the port once it is listening
        yield [f"http://127.0.0.1:{port}/page/{n}" for n in range(1, pages + 1)]
    finally:
        server.stdin.close()  # the server's signal to stop
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()


class Site(ThreadingHTTPServer):
    daemon_threads = True  # a thread per connection, never waited for at exit
    request_queue_size = 1024  # listen() backlog: a crawler may connect all at once

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that gave up
            super().handle_error(request, client_address)


class PageHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        site = self.server
        _, _, number = self.path.rpartition("/")
        if not self.path.startswith("/page/") or not number.isdigit():
            self.send_error(404)
            return
        n = int(number)
        if not 1 <= n <= len(site.delays):
            self.send_error(404)
            return
        site.wait(site.delays[n - 1])
        if n in site.failures:
            self.send_error(500, "planned failure (fail-rate)")
            return
        body = (f"<html><body><h1>page {n}</h1>" + "<p>lorem ipsum</p>" * (40 + n)
                + "</body></html>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # quiet: the crawler reports every fetch itself


def main():
    pages, latency, jitter, fail_rate = int(sys.argv[1]), *map(float, sys.argv[2:5])
    site = Site(("127.0.0.1", 0), PageHandler)
    site.delays = planned_delays(pages, latency, jitter)
    site.failures = planned_failures(pages, fail_rate)
    stopping = threading.Event()
    site.wait = stopping.wait  # a delay that ends early when the server is told to stop
    threading.Thread(target=site.serve_forever, args=(0.05,), daemon=True).start()
    print(site.server_address[1], flush=True)
    sys.stdin.read()  # returns at EOF: the crawler closed our stdin or died
    stopping.set()
    site.shutdown()
    site.server_close()


if __name__ == "__main__":
    main()
