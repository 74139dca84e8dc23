"""Loads the model that train saved, and predicts with it (used by train and serve)."""

import os

import numpy
from tensorflow import keras


def load_model(model_dir):
    """The Keras model saved in model.keras."""
    return keras.models.load_model(os.path.join(model_dir, "model.keras"))


def predict(model, rows):
    """The probability of class 1 for each row of features."""
    # The model ends with a sigmoid: its output is already a probability.
    output = model.predict(numpy.array(rows, dtype="float32"), verbose=0)
    return [float(p) for p in output.flatten()]
