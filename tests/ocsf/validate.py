#!/usr/bin/env python3
"""Validates `secdash --once --format ocsf` output against the OCSF schema's models.

Reads JSON Lines on stdin; each line must be a Compliance Finding (class 2003) or a Detection
Finding (class 2004) that py-ocsf-models (the OCSF models Prowler uses) accepts, naming the
schema version those models implement. Prints one line per class with its count; exits 1 with
the first invalid event and why.
"""
import json
import sys
from collections import Counter

from py_ocsf_models import OCSF_VERSION
from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
from py_ocsf_models.events.findings.detection_finding import DetectionFinding

MODELS = {2003: ComplianceFinding, 2004: DetectionFinding}

counts = Counter()
for n, line in enumerate(sys.stdin, 1):
    event = json.loads(line)
    if event.get("metadata", {}).get("version") != OCSF_VERSION:
        print(f"line {n}: names OCSF {event.get('metadata', {}).get('version')}, the models are {OCSF_VERSION}")
        sys.exit(1)
    model = MODELS.get(event.get("class_uid"))
    if model is None:
        print(f"line {n}: class_uid {event.get('class_uid')} is neither 2003 nor 2004")
        sys.exit(1)
    try:
        model.model_validate(event)
    except Exception as e:  # pydantic's ValidationError, said whole
        print(f"line {n} ({model.__name__}): {e}")
        sys.exit(1)
    counts[model.__name__] += 1
for name, c in sorted(counts.items()):
    print(f"{name} {c}")
