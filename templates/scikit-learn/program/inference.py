"""Loads the model that train saved, and predicts with it (used by train and serve)."""

import os

import joblib


def load_model(model_dir):
    """The scikit-learn classifier saved in model.joblib."""
    return joblib.load(os.path.join(model_dir, "model.joblib"))


def predict(model, rows):
    """The probability of class 1 for each row of features."""
    # predict_proba answers one column per class: [P(0), P(1)].
    return [float(p) for p in model.predict_proba(rows)[:, 1]]
