"""What SageMaker gives a training program, and the helpers every program here shares.

SageMaker runs the container as "docker run IMAGE train" and lays out /opt/ml:

  /opt/ml/input/config/hyperparameters.json  the hyperparameters (values are strings)
  /opt/ml/input/config/inputdataconfig.json  the channels, and how they come
  /opt/ml/input/data/<channel>/              each channel's files ("train"...)
  /opt/ml/model/                             saved here: becomes model.tar.gz
  /opt/ml/checkpoints/                       checkpoints, synced with S3 if asked
  /opt/ml/output/failure                     why the job failed (FailureReason)

Standard library only, so that it runs in any Python 3 image.
"""

import csv
import json
import os
import sys
import traceback

PREFIX = "/opt/ml"
HYPERPARAMETERS = os.path.join(PREFIX, "input", "config", "hyperparameters.json")
INPUT_DATA_CONFIG = os.path.join(PREFIX, "input", "config", "inputdataconfig.json")
CHANNELS = os.path.join(PREFIX, "input", "data")
MODEL_DIR = os.path.join(PREFIX, "model")
CHECKPOINT_DIR = os.path.join(PREFIX, "checkpoints")
FAILURE = os.path.join(PREFIX, "output", "failure")
KINDS = {int: "a whole number", float: "a number"}


def check_arguments(argv):
    """SageMaker runs the program with the single argument "train"; none is fine too."""
    for argument in argv[1:]:
        if argument != "train":
            raise ValueError(
                "unknown argument %r: SageMaker runs this program as 'train'" % argument
            )


def hyperparameters(defaults):
    """The job's hyperparameters, each converted to the type of its default.

    SageMaker passes every value as a string ("20", "0.01"), so "epochs" with
    the default 20 is read as an int and "learning_rate" with 0.01 as a float.
    A hyperparameter missing from the job keeps its default.
    """
    given = {}
    if os.path.exists(HYPERPARAMETERS):
        with open(HYPERPARAMETERS) as file:
            given = json.load(file)
    values = dict(defaults)
    for name, text in given.items():
        if name not in defaults:
            print("Ignoring the unknown hyperparameter %r" % name)
            continue
        kind = type(defaults[name])
        try:
            values[name] = kind(text)
        except ValueError:
            raise ValueError(
                "hyperparameter %r must be %s, not %r"
                % (name, KINDS.get(kind, kind.__name__), text)
            ) from None
    return values


def has_channel(name):
    """Whether the job has the channel `name` (its folder exists)."""
    return os.path.isdir(os.path.join(CHANNELS, name))


def read_channel(name):
    """The rows of every CSV file of the channel `name`: (features, labels).

    Each row is a label (0 or 1) followed by the features, with no header:
    the convention of SageMaker's built-in algorithms.
    """
    refuse_pipe_mode(name)
    folder = os.path.join(CHANNELS, name)
    if not os.path.isdir(folder):
        raise ValueError("the job has no %r channel (%s)" % (name, folder))
    features, labels = [], []
    for path in channel_files(folder):
        with open(path, newline="") as file:
            for line, row in enumerate(csv.reader(file), start=1):
                if not row:
                    continue
                label, values = parse_row(row, "%s line %d" % (path, line))
                if features and len(values) != len(features[0]):
                    raise ValueError(
                        "%s line %d: %d features, the rows before have %d"
                        % (path, line, len(values), len(features[0]))
                    )
                features.append(values)
                labels.append(label)
    if not features:
        raise ValueError("the %r channel has no rows (%s)" % (name, folder))
    return features, labels


def refuse_pipe_mode(name):
    """This program reads files: a channel streamed in Pipe mode is a mistake."""
    if not os.path.exists(INPUT_DATA_CONFIG):
        return
    with open(INPUT_DATA_CONFIG) as file:
        channel = json.load(file).get(name, {})
    if channel.get("TrainingInputMode", "File") == "Pipe":
        raise ValueError(
            "the %r channel is in Pipe mode, but this program reads files: "
            "use File mode for it" % name
        )


def channel_files(folder):
    """Every file under `folder`, sorted, leaving out hidden ones (.DS_Store…)."""
    paths = []
    for root, folders, files in os.walk(folder):
        folders[:] = [f for f in folders if not f.startswith(".")]
        paths += [os.path.join(root, f) for f in files if not f.startswith(".")]
    return sorted(paths)


def parse_row(row, where):
    """A CSV row "label,feature,…" as (label, [feature, …])."""
    try:
        numbers = [float(cell) for cell in row]
    except ValueError:
        raise ValueError(
            "%s: expected numbers, got %r" % (where, ",".join(row))
        ) from None
    if len(numbers) < 2 or numbers[0] not in (0, 1):
        raise ValueError(
            "%s: expected a label 0 or 1 then the features, got %r"
            % (where, ",".join(row))
        )
    return int(numbers[0]), numbers[1:]


def accuracy(probabilities, labels):
    """The share of rows whose probability of class 1 is on the right side of 0.5."""
    right = sum((p > 0.5) == (label == 1) for p, label in zip(probabilities, labels))
    return right / len(labels)


class StopFlag:
    """A SIGTERM handler that only takes note: the program stops between two steps.

    SageMaker sends SIGTERM when the job is stopped or a spot instance is
    reclaimed, and SIGKILL some time later: enough to finish the step at hand
    and save a checkpoint, not to finish training.
    """

    def __init__(self):
        self.requested = False

    def __call__(self, signal_number, frame):
        print("SIGTERM received: stopping after this step")
        self.requested = True


def checkpoint_path(name):
    """The path of the checkpoint file `name` in /opt/ml/checkpoints."""
    os.makedirs(CHECKPOINT_DIR, exist_ok=True)
    return os.path.join(CHECKPOINT_DIR, name)


def existing_checkpoint(name):
    """The path of the checkpoint file `name` if a previous run saved it, else None."""
    path = os.path.join(CHECKPOINT_DIR, name)
    return path if os.path.exists(path) else None


def save_atomically(path, write):
    """Calls write(temporary_path), then renames the file to `path`.

    A stop in the middle of writing leaves the previous file whole: the rename
    (os.replace) replaces it in one step. The temporary name keeps the
    extension, which some libraries look at (.json, .keras).
    """
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, ".tmp-" + name)
    write(temporary)
    os.replace(temporary, path)


def save_json(path, value):
    """Writes `value` as JSON into `path`, atomically."""

    def write(temporary):
        with open(temporary, "w") as file:
            json.dump(value, file)

    save_atomically(path, write)


def load_json(path):
    with open(path) as file:
        return json.load(file)


def model_path(name):
    """The path of the file `name` in /opt/ml/model (SageMaker's model.tar.gz)."""
    os.makedirs(MODEL_DIR, exist_ok=True)
    return os.path.join(MODEL_DIR, name)


def run(main):
    """Runs main(); on any exception, writes why to /opt/ml/output/failure and exits 1.

    The failure file's first line is what SageMaker shows as the job's
    FailureReason: the exception's type and message. The traceback follows.
    """
    try:
        check_arguments(sys.argv)
        main()
    except Exception as error:
        reason = "%s: %s\n%s" % (
            type(error).__name__,
            error,
            traceback.format_exc(),
        )
        os.makedirs(os.path.dirname(FAILURE), exist_ok=True)
        with open(FAILURE, "w") as file:
            file.write(reason)
        print(reason, file=sys.stderr)
        sys.exit(1)
