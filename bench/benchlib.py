"""Shared helpers of bench/retrieval.py and bench/enrich.py (python3 standard library only;
PyYAML is used for the rule files when it is installed).

- Client: JSON and multipart calls to one Iris instance, with its API key.
- load_rules: the alert rules of $IRIS_SHARED/data/alert-rules, with the exporter each file is for.
- alert_query: the search text Iris builds from an alert (mirrors iris.enrich.AlertContext.query).
- percentile: nearest-rank percentiles for the result lines.
"""
import glob
import json
import math
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import make_payloads  # bench/make_payloads.py: rule reader without PyYAML, annotation rendering

# A host name per exporter, so rendered annotations name a plausible instance.
EXPORTER_HOSTS = {
    "node-exporter": "db-1", "mysqld-exporter": "mysql-1", "postgres-exporter": "pg-1",
    "percona-mongodb-exporter": "mongo-1", "knyar-nginx-exporter": "web-1",
    "lusitaniae-apache-exporter": "web-2", "windows-exporter": "win-1",
}


def log(prog, *parts):
    print(f"{prog}:", *parts, file=sys.stderr, flush=True)


class HttpError(Exception):
    def __init__(self, method, path, status, body):
        super().__init__(f"{method} {path} -> {status} {body[:500]}")
        self.status = status
        self.body = body


class Client:
    """Calls to one Iris instance: JSON in and out, X-API-Key on /api/ paths."""

    def __init__(self, base_url, api_key, token=None, timeout=30):
        self.base = base_url.rstrip("/")
        self.api_key = api_key
        self.token = token
        self.timeout = timeout

    def call(self, method, path, body=None, headers=None, timeout=None, raw=False):
        """Returns (status, parsed JSON or text). Raises HttpError on a non-2xx answer."""
        data = body
        hdrs = dict(headers or {})
        if body is not None and not isinstance(body, (bytes, bytearray)):
            data = json.dumps(body).encode("utf-8")
            hdrs.setdefault("Content-Type", "application/json")
        if path.startswith("/api/"):
            hdrs.setdefault("X-API-Key", self.api_key)
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as r:
                text = r.read().decode("utf-8", "replace")
                status = r.status
        except urllib.error.HTTPError as e:
            raise HttpError(method, path, e.code, e.read().decode("utf-8", "replace")) from None
        if raw:
            return status, text
        return status, (json.loads(text) if text else None)

    def get(self, path, params=None, **kw):
        if params:
            path += "?" + urllib.parse.urlencode(params)
        return self.call("GET", path, **kw)[1]

    def search(self, query, collection, limit):
        return self.get("/api/v1/knowledge/search", {"q": query, "collection": collection, "limit": limit})["results"]

    def import_files(self, collection, files, tags=None, timeout=1800):
        """Multipart import of [(file name, text)]; returns the 'imported' list."""
        boundary = "----iris-bench-" + uuid.uuid4().hex
        parts = []
        if tags:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="tags"\r\n\r\n{",".join(tags)}\r\n'
                         .encode("utf-8"))
        for name, text in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                         f'Content-Type: text/markdown; charset=utf-8\r\n\r\n'.encode("utf-8"))
            parts.append(text.encode("utf-8") + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode("utf-8"))
        body = b"".join(parts)
        _, answer = self.call("POST", f"/api/v1/knowledge/{collection}/import", body=body,
                              headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
                              timeout=timeout)
        return answer["imported"]

    def webhook(self, payload):
        hdrs = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.call("POST", "/webhooks/alertmanager", body=payload, headers=hdrs)


def load_rules(rules_dir):
    """[{alert, expr, labels{severity}, annotations{summary, description}, exporter, file}] of every
    rules file, in file order. PyYAML when installed, else make_payloads' line reader (the rule
    files share one flat layout, which that reader covers)."""
    try:
        import yaml
    except ImportError:
        yaml = None
    rules = []
    for path in sorted(glob.glob(os.path.join(rules_dir, "*.yml"))):
        exporter = os.path.basename(path)[:-4].split("_", 1)[-1]
        if yaml is not None:
            with open(path, encoding="utf-8") as f:
                doc = yaml.safe_load(f) or {}
            found = [{"alert": r["alert"], "expr": str(r.get("expr", "")), "for": str(r.get("for", "")),
                      "labels": {k: str(v) for k, v in (r.get("labels") or {}).items()},
                      "annotations": {k: str(v) for k, v in (r.get("annotations") or {}).items()}}
                     for g in doc.get("groups") or [] for r in g.get("rules") or [] if "alert" in r]
        else:
            found = make_payloads.read_rules(path)
        for r in found:
            r["exporter"] = exporter
            r["file"] = os.path.basename(path)
            rules.append(r)
    if not rules:
        raise SystemExit(f"no alert rules found in {rules_dir}/*.yml")
    return rules


def instance_of(rule, host=None):
    port = make_payloads.EXPORTER_PORTS.get(rule["exporter"], 9100)
    return f"{host or EXPORTER_HOSTS.get(rule['exporter'], 'host-1')}:{port}"


def render_annotations(rule, labels):
    """The rule's annotations as Prometheus would render them for these labels."""
    return {k: make_payloads.render(v, labels) for k, v in rule["annotations"].items()}


# --- the query Iris builds from an alert: keep in step with iris.enrich.AlertContext and iris.knowledge.Keywords ---
_IDENTIFIER = re.compile(r"\b[A-Za-z][A-Za-z0-9_]*?[a-z0-9][A-Z][A-Za-z0-9_]*\b")
_CAMEL_BOUNDARY = re.compile(r"_+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def spelled_out(text):
    """Keywords.spelledOut: "HostOutOfMemory" -> "host out of memory."."""
    out = []
    for m in _IDENTIFIER.finditer(text):
        words = [w for w in _CAMEL_BOUNDARY.split(m.group()) if w]
        out.append(" ".join(words).lower() + ".")
    return " ".join(out).strip()


def clean_description(text):
    """AlertContext.cleanDescription: drops the trailing "VALUE = ... LABELS = ..." part."""
    text = re.sub(r"\s*VALUE\s*=.*$", "", text, flags=re.S)
    return re.sub(r"\s+", " ", text).strip()


def alert_query(alertname, labels, annotations):
    """AlertContext.query: the alert name whole and spelled out, the summary without its
    "(instance ...)" part and the cleaned description (labels go to the infrastructure search)."""
    q = f"{alertname}. {spelled_out(alertname)}. "
    summary = annotations.get("summary", "")
    description = clean_description(annotations.get("description", annotations.get("message", "")))
    if summary.strip():
        q += re.sub(r"\s*\(instance [^)]*\)", "", summary) + ". "
    if description.strip():
        q += description + ". "
    return q.strip()


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    s = sorted(values)
    return s[max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))]


def elapsed_ms(start):
    return (time.perf_counter() - start) * 1000
