#!/usr/bin/env python3
"""Turns the shared Prometheus alert rules into alert templates for bench/ingest.lua.

Usage: make_payloads.py RULES_DIR OUT.lua

For every rule it writes three JSON fragments as Lua strings:
  webhook_alert  one alert of an Alertmanager v4 webhook (what Iris receives)
  am_alert       the same alert in the shape of Alertmanager's POST /api/v2/alerts
  head, tail     the webhook envelope around the alerts array
The parts that must change per alert or per request are placeholders the Lua script
fills in: @INST@ (instance), @DC@ (datacenter label, one per wrk thread), @TS@ (startsAt)
and @FP@ (fingerprint).
"""
import glob
import json
import os
import re
import sys
import urllib.parse

# Scrape ports of the exporters the rule files were written for, so instances look real.
EXPORTER_PORTS = {
    "node-exporter": 9100, "mysqld-exporter": 9104, "postgres-exporter": 9187,
    "percona-mongodb-exporter": 9216, "knyar-nginx-exporter": 9113,
    "lusitaniae-apache-exporter": 9117, "windows-exporter": 9182,
}
# Values for the rule-specific labels some annotations mention.
EXTRA_LABEL_VALUES = {
    "device": "sda", "mountpoint": "/", "relname": "orders", "indexrelname": "orders_pkey",
    "idxname": "orders_pkey", "name": "wuauserv", "collector": "cpu",
}


def scalar(text):
    """A YAML scalar as the rule files write them: plain, 'single' or "double" quoted."""
    text = text.strip()
    if text.startswith('"'):
        # YAML double-quoted escapes used here (\n, \", \\) are JSON's.
        return json.loads(text)
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    return text


def read_rules(path):
    """The rules of one file. PyYAML is not part of a stock python3 and every rule file
    has the same flat layout (alert, expr, for, labels.severity, annotations.*), so a
    line reader is enough."""
    rules, rule, section = [], None, None
    for line in open(path, encoding="utf-8"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        m = re.match(r"^\s*(- )?(alert|expr|for|labels|annotations|severity|summary|description):\s*(.*)$", line)
        if not m:
            continue
        key, value = m.group(2), m.group(3)
        if key == "alert":
            rule = {"alert": scalar(value), "labels": {}, "annotations": {}}
            rules.append(rule)
        elif rule is None:
            continue
        elif key in ("labels", "annotations"):
            section = key
        elif key in ("expr", "for"):
            rule[key] = scalar(value)
        elif section:
            rule[section][key] = scalar(value)
    return rules


def render(template, labels):
    """Fills the Go template bits of an annotation the way Prometheus would; labels a rule
    mentions but the bench does not send get a plausible value."""
    known = {**EXTRA_LABEL_VALUES, **labels}

    def label_map():
        return "map[" + " ".join(f"{k}:{v}" for k, v in sorted(labels.items())) + "]"
    text = re.sub(r"\{\{\s*printf\s+\"[^\"]*\"\s+\$value\s*\}\}", "93", template)
    text = re.sub(r"\{\{\s*\$value\s*\}\}", "0.93", text)
    text = re.sub(r"\{\{\s*\$labels\s*\}\}", lambda _: label_map(), text)
    return re.sub(r"\{\{\s*\$labels\.(\w+)\s*\}\}", lambda m: known.get(m.group(1), ""), text)


def lua_string(text):
    """A Lua 5.1 string literal; bytes outside printable ASCII become \\ddd."""
    out = []
    for byte in text.encode("utf-8"):
        ch = chr(byte)
        if ch in '\\"':
            out.append("\\" + ch)
        else:
            out.append(ch if 32 <= byte < 127 else f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def templates(rule, exporter):
    port = EXPORTER_PORTS.get(exporter, 9100)
    labels = {
        "alertname": rule["alert"], "instance": f"@INST@:{port}", "job": exporter,
        "severity": rule["labels"].get("severity", "warning"), "env": "prod", "datacenter": "@DC@",
    }
    annotations = {k: render(v, labels) for k, v in rule["annotations"].items()}
    generator = "http://prometheus:9090/graph?g0.expr=" + urllib.parse.quote(rule.get("expr", ""), safe="") + "&g0.tab=1"
    common = {"startsAt": "@TS@", "endsAt": "0001-01-01T00:00:00Z", "generatorURL": generator}
    compact = {"separators": (",", ":"), "ensure_ascii": False}
    webhook_alert = json.dumps({"status": "firing", "labels": labels, "annotations": annotations,
                                **common, "fingerprint": "@FP@"}, **compact)
    am_alert = json.dumps({"labels": labels, "annotations": annotations, **common}, **compact)
    # Alertmanager grouped by alertname: one notification per rule carries many hosts.
    group_labels = {"alertname": rule["alert"]}
    common_labels = {k: v for k, v in labels.items() if k != "instance"}
    head = json.dumps({"version": "4", "groupKey": '{}:{alertname="%s"}' % rule["alert"],
                       "truncatedAlerts": 0, "receiver": "iris", "status": "firing"}, **compact)[:-1] + ',"alerts":['
    tail = "]," + json.dumps({"groupLabels": group_labels, "commonLabels": common_labels,
                              "commonAnnotations": {}, "externalURL": "http://alertmanager:9093"}, **compact)[1:]
    return {"webhook_alert": webhook_alert, "am_alert": am_alert, "head": head, "tail": tail}


def main():
    rules_dir, out = sys.argv[1], sys.argv[2]
    entries = []
    for path in sorted(glob.glob(os.path.join(rules_dir, "*.yml"))):
        exporter = os.path.basename(path)[:-4].split("_", 1)[-1]
        for rule in read_rules(path):
            entries.append(templates(rule, exporter))
    if not entries:
        sys.exit(f"make_payloads: no alert rules found in {rules_dir}/*.yml")
    with open(out, "w", encoding="utf-8") as f:
        f.write("-- Generated by bench/make_payloads.py from %s\nreturn {\n" % rules_dir)
        for e in entries:
            f.write("  {" + ", ".join(f"{k} = {lua_string(v)}" for k, v in e.items()) + "},\n")
        f.write("}\n")
    print(f"make_payloads: {len(entries)} rules -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
