"""A spot training program: it survives interruptions.

Managed spot training can reclaim the instance at any time. SageMaker then sends SIGTERM, waits,
and later starts the job again with /opt/ml/checkpoints restored from the job's checkpoint S3 URI.
So this program saves a checkpoint after every epoch (and on SIGTERM), and starts from the last
one it finds.
"""

import json
import os
import signal
import sys
import time
import traceback

PREFIX = "/opt/ml"
HYPERPARAMETERS = os.path.join(PREFIX, "input", "config", "hyperparameters.json")
CHECKPOINT_CONFIG = os.path.join(PREFIX, "input", "config", "checkpointconfig.json")
TRAINING = os.path.join(PREFIX, "input", "data", "training")
MODEL = os.path.join(PREFIX, "model")
FAILURE = os.path.join(PREFIX, "output", "failure")

interrupted = False


def on_sigterm(signum, frame):
    # The stop timeout (120 s on SageMaker) is for this: finish the epoch, save, leave.
    global interrupted
    interrupted = True
    print("SIGTERM received: saving a checkpoint and stopping", flush=True)


def checkpoint_file():
    with open(CHECKPOINT_CONFIG) as f:
        return os.path.join(json.load(f)["LocalPath"], "checkpoint.json")


def save(path, state):
    # Written beside and renamed: a SIGKILL midway leaves the previous checkpoint whole.
    with open(path + ".partial", "w") as f:
        json.dump(state, f)
    os.replace(path + ".partial", path)


def load(path):
    if not os.path.exists(path):
        print("no checkpoint: starting at epoch 0", flush=True)
        return {"epoch": 0, "a": 0.0, "b": 0.0}
    with open(path) as f:
        state = json.load(f)
    print(f"resuming from the checkpoint of epoch {state['epoch']}", flush=True)
    return state


def read_rows():
    rows = []
    for name in sorted(os.listdir(TRAINING)):
        with open(os.path.join(TRAINING, name)) as f:
            for line in f:
                if line.strip() and not line.startswith("x"):
                    x, y = line.split(",")
                    rows.append((float(x), float(y)))
    return rows


def main():
    signal.signal(signal.SIGTERM, on_sigterm)
    with open(HYPERPARAMETERS) as f:
        hyperparameters = json.load(f)
    epochs = int(hyperparameters.get("epochs", "40"))
    learning_rate = float(hyperparameters.get("learning_rate", "0.01"))
    pause = float(hyperparameters.get("seconds_per_epoch", "0"))
    rows = read_rows()
    path = checkpoint_file()
    state = load(path)
    a, b = state["a"], state["b"]
    for epoch in range(state["epoch"], epochs):
        grad_a = sum((a * x + b - y) * x for x, y in rows) / len(rows)
        grad_b = sum((a * x + b - y) for x, y in rows) / len(rows)
        a -= learning_rate * grad_a
        b -= learning_rate * grad_b
        save(path, {"epoch": epoch + 1, "a": a, "b": b})
        print(f"epoch {epoch + 1}/{epochs}: a={a:.4f} b={b:.4f}", flush=True)
        if interrupted:
            sys.exit(0)
        time.sleep(pause)
    with open(os.path.join(MODEL, "model.json"), "w") as f:
        json.dump({"a": a, "b": b}, f)
    print(f"trained on {len(rows)} rows: y = {a:.3f} * x + {b:.3f}", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception:
        with open(FAILURE, "w") as f:
            f.write(traceback.format_exc())
        raise
