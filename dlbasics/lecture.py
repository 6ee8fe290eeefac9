"""What the lecture note says about its MNIST model: the model, how it is trained, what it reported.

The Keras version (:mod:`dlbasics.keras_models`) and the from-scratch one
(:mod:`dlbasics.mnist_numpy`) both take their settings from here, so the two cannot drift apart.
The reported numbers are shown beside our runs, never asserted equal to them: one epoch of
training depends on the seed, the library and the CPU.
"""

from __future__ import annotations

# 784 -> Dense(392, tanh) -> Dense(10, softmax); RMSprop with Keras' defaults; categorical
# cross-entropy; batch 128; one epoch; the test set as validation data (the note's shortcut).
LAYER_SIZES = (784, 392, 10)
ACTIVATIONS = ("tanh", "softmax")
OPTIMIZER = "rmsprop"
LOSS = "categorical_crossentropy"
BATCH_SIZE = 128
EPOCHS = 1
VALIDATION = "test"

# The note's model.summary(): 784 * 392 + 392 and 392 * 10 + 10 parameters.
LAYER_PARAMS = (307_720, 3_930)
TOTAL_PARAMS = 311_650

# The note's one epoch: "60000/60000 [====] - 4s - loss: 0.3328 - acc: 0.9016 - val_loss: 0.2330 -
# val_acc: 0.9312" (Keras 3 calls the note's "acc" "accuracy"), then its model.evaluate(input_test,
# output_test): "score = [0.23297160540521145, 0.93120000000000003]", the same numbers, since its
# validation data was the test set. "4s" is the whole epoch as Keras 2 printed it (whole seconds).
REPORTED = {
    "loss": 0.3328,
    "accuracy": 0.9016,
    "val_loss": 0.2330,
    "val_accuracy": 0.9312,
    "test_loss": 0.2330,
    "test_accuracy": 0.9312,
    "fit_seconds": 4,
    "epochs": EPOCHS,
    "validation": VALIDATION,
}

# Keras 2 (the note) named the accuracy "acc" in its log and in history.history; Keras 3 says
# "accuracy". Old name -> new name.
KERAS2_METRIC_NAMES = {"acc": "accuracy", "val_acc": "val_accuracy"}

MODEL_TEXT = (
    f"{LAYER_SIZES[0]} -> Dense({LAYER_SIZES[1]}, {ACTIVATIONS[0]}) -> "
    f"Dense({LAYER_SIZES[2]}, {ACTIVATIONS[1]})"
)
