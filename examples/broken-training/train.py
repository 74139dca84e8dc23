"""Averages the training channel's "y" column: a stand-in for a real training program.

Run as SageMaker runs this image's CMD, it never starts: see ../../README.md.
"""

import csv
import json
import os

DATA = "/opt/ml/input/data/training"
MODEL = "/opt/ml/model"

values = []
for name in sorted(os.listdir(DATA)):
    with open(os.path.join(DATA, name)) as f:
        values += [float(row["y"]) for row in csv.DictReader(f)]
with open(os.path.join(MODEL, "model.json"), "w") as f:
    json.dump({"mean": sum(values) / len(values)}, f)
print(f"averaged {len(values)} rows", flush=True)
