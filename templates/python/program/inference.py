"""Loads the model that train saved, and predicts with it (used by train and serve)."""

import json
import math
import os


def load_model(model_dir):
    """The logistic regression saved in model.json: {"weights": [...], "bias": b}."""
    with open(os.path.join(model_dir, "model.json")) as file:
        return json.load(file)


def predict(model, rows):
    """The probability of class 1 for each row of features."""
    weights = model["weights"]
    probabilities = []
    for row in rows:
        if len(row) != len(weights):
            raise ValueError("expected %d features, got %d" % (len(weights), len(row)))
        score = model["bias"] + sum(w * x for w, x in zip(weights, row))
        probabilities.append(sigmoid(score))
    return probabilities


def sigmoid(score):
    # Written so that a large negative score does not overflow math.exp.
    if score >= 0:
        return 1 / (1 + math.exp(-score))
    return math.exp(score) / (1 + math.exp(score))
