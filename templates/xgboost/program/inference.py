"""Loads the model that train saved, and predicts with it (used by train and serve)."""

import os

import xgboost


def load_model(model_dir):
    """The XGBoost booster saved in model.json."""
    booster = xgboost.Booster()
    booster.load_model(os.path.join(model_dir, "model.json"))
    return booster


def predict(model, rows):
    """The probability of class 1 for each row of features."""
    # XGBoost would predict from rows of the wrong width: say so instead.
    features = model.num_features()
    for row in rows:
        if len(row) != features:
            raise ValueError("expected %d features, got %d" % (features, len(row)))
    # The objective binary:logistic makes predict() answer probabilities.
    return [float(p) for p in model.predict(xgboost.DMatrix(rows))]
