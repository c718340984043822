"""Stand-in for `alloy run [flags] <config>`, packaged by Iris's end-to-end enrollment test.

It serves what an external Prometheus and Iris ask of Alloy's HTTP listener: /-/ready,
/-/healthy, /metrics, and /api/v0/component/<id>/metrics for every prometheus.exporter
component the config file declares. The metrics come from Debian's prometheus-node-exporter,
run as a child process on a private loopback port. Everything listens on 127.0.0.1 only,
whatever host --server.http.listen-addr names: the test machine exposes nothing.
"""
import http.server
import re
import signal
import socket
import subprocess
import sys
import urllib.request

EXPORTER = re.compile(r'(?m)^\s*(prometheus\.exporter\.[a-z_]+)\s+"([^"]+)"\s*\{')
COMPONENT_METRICS = re.compile(r"/api/v0/component/([^/]+)/metrics")


def main(argv):
    listen = "127.0.0.1:12345"
    config = None
    for arg in argv:
        if arg.startswith("--server.http.listen-addr="):
            listen = arg.split("=", 1)[1]
        elif not arg.startswith("-"):
            config = arg
    if config is None:
        sys.exit("alloy run: no configuration file given")
    with open(config, encoding="utf-8") as f:
        components = {m.group(1) + "." + m.group(2) for m in EXPORTER.finditer(f.read())}
    port = int(listen.rsplit(":", 1)[1])

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        exporter_port = s.getsockname()[1]
    # The systemd collector needs systemd's D-Bus, which a container lacks.
    exporter = subprocess.Popen(["/usr/bin/prometheus-node-exporter", "--no-collector.systemd",
                                 "--web.listen-address=127.0.0.1:%d" % exporter_port])
    exporter_root = "http://127.0.0.1:%d/" % exporter_port
    exporter_url = exporter_root + "metrics"

    def stop(signum, frame):
        exporter.terminate()
        try:
            exporter.wait(10)
        except subprocess.TimeoutExpired:
            exporter.kill()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            path = self.path.split("?", 1)[0]
            component = COMPONENT_METRICS.fullmatch(path)
            if path in ("/-/ready", "/-/healthy"):
                try:
                    with urllib.request.urlopen(exporter_root, timeout=2) as response:
                        response.read()
                    self.reply(200, "text/plain", b"Alloy is ready.\n")
                except OSError:
                    self.reply(503, "text/plain", b"Alloy is not ready.\n")
            elif path == "/metrics" or (component and component.group(1) in components):
                try:
                    with urllib.request.urlopen(exporter_url, timeout=10) as response:
                        self.reply(200, response.headers.get("Content-Type", "text/plain"), response.read())
                except OSError as e:
                    self.reply(502, "text/plain", ("exporter unavailable: %s\n" % e).encode())
            else:
                self.reply(404, "text/plain", b"404 page not found\n")

        def reply(self, status, content_type, body):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("alloy (stand-in) listening on 127.0.0.1:%d; components: %s" % (port, ", ".join(sorted(components))), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
