"""Parses Prometheus text exposition from stdin with the Prometheus project's own Python parser
(Debian python3-prometheus-client) and prints the families as JSON: an independent check that
what the daemon serves is valid exposition format."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

families = []
for fam in text_string_to_metric_families(sys.stdin.read()):
    families.append(
        {
            "name": fam.name,
            "type": fam.type,
            "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in fam.samples],
        }
    )
json.dump(families, sys.stdout)
