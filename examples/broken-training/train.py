"""A small training program that keeps SageMaker's container contract.

SageMaker runs the image as `docker run <image> train`; with the exec-form ENTRYPOINT of this
example, that starts `python /opt/program/train.py train`. The program reads its hyperparameters
(always strings) and its "training" channel from /opt/ml/input, and writes the model to
/opt/ml/model, which SageMaker uploads as model.tar.gz.
"""

import json
import os
import signal
import sys
import traceback

PREFIX = "/opt/ml"
HYPERPARAMETERS = os.path.join(PREFIX, "input", "config", "hyperparameters.json")
TRAINING = os.path.join(PREFIX, "input", "data", "training")
MODEL = os.path.join(PREFIX, "model")
FAILURE = os.path.join(PREFIX, "output", "failure")


def stop(signum, frame):
    # StopTrainingJob sends SIGTERM and waits 120 s before SIGKILL: save what we have and leave.
    print("SIGTERM received: stopping", flush=True)
    sys.exit(0)


def fit(rows, epochs, learning_rate):
    """Least-squares line y = a*x + b by gradient descent, in pure Python."""
    a, b = 0.0, 0.0
    for epoch in range(epochs):
        grad_a = sum((a * x + b - y) * x for x, y in rows) / len(rows)
        grad_b = sum((a * x + b - y) for x, y in rows) / len(rows)
        a -= learning_rate * grad_a
        b -= learning_rate * grad_b
        if epoch % max(1, epochs // 5) == 0:
            print(f"epoch {epoch}: a={a:.4f} b={b:.4f}", flush=True)
    return a, b


def main():
    signal.signal(signal.SIGTERM, stop)
    with open(HYPERPARAMETERS) as f:
        hyperparameters = json.load(f)
    epochs = int(hyperparameters.get("epochs", "100"))
    learning_rate = float(hyperparameters.get("learning_rate", "0.01"))
    rows = []
    for name in sorted(os.listdir(TRAINING)):
        with open(os.path.join(TRAINING, name)) as f:
            for line in f:
                if line.strip() and not line.startswith("x"):
                    x, y = line.split(",")
                    rows.append((float(x), float(y)))
    a, b = fit(rows, epochs, learning_rate)
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
