"""The network; loading the saved one and predicting (used by train and serve)."""

import os

import torch


def make_network(features, hidden_units):
    """A small neural network: one hidden layer, one output (a score for class 1)."""
    return torch.nn.Sequential(
        torch.nn.Linear(features, hidden_units),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden_units, 1),
    )


def load_model(model_dir):
    """The network saved in model.pt: its shape and its weights."""
    # weights_only=True loads tensors and plain values only, never code.
    saved = torch.load(os.path.join(model_dir, "model.pt"), weights_only=True)
    network = make_network(saved["features"], saved["hidden_units"])
    network.load_state_dict(saved["state_dict"])
    network.eval()
    return network


def predict(model, rows):
    """The probability of class 1 for each row of features."""
    features = model[0].in_features
    for row in rows:
        if len(row) != features:
            raise ValueError("expected %d features, got %d" % (features, len(row)))
    with torch.no_grad():
        scores = model(torch.tensor(rows, dtype=torch.float32))
    # The sigmoid turns each score into a probability.
    return torch.sigmoid(scores).flatten().tolist()
