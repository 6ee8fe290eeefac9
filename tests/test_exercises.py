"""The exercises (dlbasics.exercises): solutions pass, typical mistakes are named, nothing leaks.

1. Every topic page has a module, every exercise a title, a task, hints and a solution.
2. The reference solution of every checked exercise passes, in both languages.
3. Every "write it yourself" exercise has at least three known-wrong solutions in ``WRONG``, the
   mistakes learners really make, and each fails with the message meant for that mistake; so
   does every other wrong answer listed there, and every mistake an exercise knows is shown here.
4. No check message contains its solution (code fragments, or the answer value).
5. Blank starter code is "not attempted"; junk answers never make ``check`` raise; the language
   comes from the argument, ``DLBASICS_LANG``, the locale, else English; no network is used; the
   modules import neither TensorFlow nor matplotlib.
6. The numbers the solutions' explanations state are what the package computes.
"""

from __future__ import annotations

import socket
import subprocess
import sys

import numpy as np
import pytest

from dlbasics import activations, linear_regression
from dlbasics.exercises import MODULES
from dlbasics.exercises._kinds import Result, _sentence
from dlbasics.exercises._text import MESSAGES, Text

from . import exercise_support as es
from .site_support import REPO

LANGUAGES = es.LANGUAGES

# Known-wrong answers: exercise -> [(the mistake it must be named as, the learner's code)].
# The code defines what the starter cell asks for; it runs with the page's imports (np, ...).
WRONG = {
    "linear-regression.q1": [
        ("missing_mean", "def cost(x, y, W, b):\n    return np.sum((W * x + b - y) ** 2)"),
        ("half", "def cost(x, y, W, b):\n    return np.mean((W * x + b - y) ** 2) / 2"),
        ("no_square", "def cost(x, y, W, b):\n    return np.mean(W * x + b - y)"),
        ("absolute", "def cost(x, y, W, b):\n    return np.mean(np.abs(W * x + b - y))"),
        ("root", "def cost(x, y, W, b):\n    return np.mean((W * x + b - y) ** 2) ** 0.5"),
        ("sign_of_b", "def cost(x, y, W, b):\n    return np.mean((W * x - b - y) ** 2)"),
        ("mutated", "def cost(x, y, W, b):\n    x *= W\n    return np.mean((x + b - y) ** 2)"),
    ],
    "linear-regression.q2": [
        ("zero", "prediction = 0"),
        ("negative", "prediction = -0.25"),
        ("standard_deviation", "prediction = 0.5"),
        ("too_large", "prediction = 2.5"),
        ("wrong_answer", "prediction = 0.1"),
        ("answer_type", "prediction = '0.25'"),
    ],
    "gradient-descent.q1": [
        (
            "uphill",
            """
            def gradient_step(x, y, W, b, learning_rate):
                error = W * x + b - y
                return (W + learning_rate * 2 * np.mean(error * x),
                        b + learning_rate * 2 * np.mean(error))
            """,
        ),
        (
            "missing_two",
            """
            def gradient_step(x, y, W, b, learning_rate):
                error = W * x + b - y
                return W - learning_rate * np.mean(error * x), b - learning_rate * np.mean(error)
            """,
        ),
        (
            "missing_mean",
            """
            def gradient_step(x, y, W, b, learning_rate):
                error = W * x + b - y
                dW, db = 2 * np.sum(error * x), 2 * np.sum(error)
                return W - learning_rate * dW, b - learning_rate * db
            """,
        ),
        (
            "missing_x",
            """
            def gradient_step(x, y, W, b, learning_rate):
                error = W * x + b - y
                return W - learning_rate * 2 * np.mean(error), b - learning_rate * 2 * np.mean(error)
            """,
        ),
        (
            "one_after_the_other",
            """
            def gradient_step(x, y, W, b, learning_rate):
                W = W - learning_rate * 2 * np.mean((W * x + b - y) * x)
                b = b - learning_rate * 2 * np.mean(W * x + b - y)
                return W, b
            """,
        ),
        (
            "count",
            """
            def gradient_step(x, y, W, b, learning_rate):
                error = W * x + b - y
                return W - learning_rate * 2 * np.mean(error * x)
            """,
        ),
    ],
    "gradient-descent.q2": [
        ("the_good_one", "prediction = 0.05"),
        ("zigzag_still_converges", "prediction = 0.1"),
        ("only_the_one_shown", "prediction = 0.25"),
        ("not_a_choice", "prediction = 0.2"),
    ],
    "perceptron.q1": [
        (
            "sign",
            """
            def perceptron_update(W, b, x, y, learning_rate):
                error = activations.step(x @ W + b) - y
                return W + learning_rate * error * x, b + learning_rate * error
            """,
        ),
        (
            "boundary",
            """
            def perceptron_update(W, b, x, y, learning_rate):
                y_hat = 1.0 if x @ W + b >= 0 else 0.0
                return W + learning_rate * (y - y_hat) * x, b + learning_rate * (y - y_hat)
            """,
        ),
        (
            "missing_x",
            """
            def perceptron_update(W, b, x, y, learning_rate):
                error = y - activations.step(x @ W + b)
                return W + learning_rate * error, b + learning_rate * error
            """,
        ),
        (
            "bias_stays",
            """
            def perceptron_update(W, b, x, y, learning_rate):
                error = y - activations.step(x @ W + b)
                return W + learning_rate * error * x, b
            """,
        ),
        (
            "no_step",
            """
            def perceptron_update(W, b, x, y, learning_rate):
                error = y - (x @ W + b)
                return W + learning_rate * error * x, b + learning_rate * error
            """,
        ),
        (
            "mutated",
            """
            def perceptron_update(W, b, x, y, learning_rate):
                error = y - activations.step(x @ W + b)
                W += learning_rate * error * x
                return W, b + learning_rate * error
            """,
        ),
    ],
    "perceptron.q2": [
        ("xnor", "prediction = {'NOR', 'XNOR', 'IMPLIES'}"),
        ("nor_missing", "prediction = {'IMPLIES'}"),
        ("implies_missing", "prediction = {'nor'}"),
        ("unknown_gate", "prediction = {'NOR', 'AND'}"),
        ("answer_type", "prediction = 'NOR'"),
    ],
    "mlp-xor.q1": [
        (
            "linear_hidden_layer",
            """
            def forward(X, W1, b1, W2, b2):
                return activations.sigmoid((X @ W1 + b1) @ W2 + b2)
            """,
        ),
        (
            "swapped_activations",
            """
            def forward(X, W1, b1, W2, b2):
                return np.tanh(activations.sigmoid(X @ W1 + b1) @ W2 + b2)
            """,
        ),
        (
            "missing_bias",
            """
            def forward(X, W1, b1, W2, b2):
                return activations.sigmoid(np.tanh(X @ W1 + b1) @ W2)
            """,
        ),
        (
            "hidden_output",
            """
            def forward(X, W1, b1, W2, b2):
                return np.tanh(X @ W1 + b1)
            """,
        ),
        (
            "transposed",
            """
            def forward(X, W1, b1, W2, b2):
                h = np.tanh(W1.T @ X.T + b1[:, None])
                return activations.sigmoid(W2.T @ h + b2[:, None])
            """,
        ),
    ],
    "mlp-xor.q2": [
        ("weights_only", "prediction = 6"),
        ("units", "prediction = 5"),
        ("input_biases", "prediction = 11"),
        ("wrong_answer", "prediction = 12"),
    ],
    "backpropagation.q1": [
        (
            "dW_transposed",
            "def dense_backward(X, W, dZ):\n    return dZ.T @ X, dZ.sum(axis=0), dZ @ W.T",
        ),
        ("db_per_sample", "def dense_backward(X, W, dZ):\n    return X.T @ dZ, dZ, dZ @ W.T"),
        (
            "db_averaged",
            "def dense_backward(X, W, dZ):\n    return X.T @ dZ, dZ.mean(axis=0), dZ @ W.T",
        ),
        (
            "dX_transposed",
            "def dense_backward(X, W, dZ):\n    return X.T @ dZ, dZ.sum(axis=0), W @ dZ.T",
        ),
        (
            "shapes_do_not_fit",
            "def dense_backward(X, W, dZ):\n    return X.T @ dZ, dZ.sum(axis=0), dZ @ W",
        ),
        (
            "gradient",
            "def dense_backward(X, W, dZ):\n    return 2 * X.T @ dZ, dZ.sum(axis=0), dZ @ W.T",
        ),
    ],
    "backpropagation.q2": [
        ("the_same_as_before", "prediction = 'down'"),
        ("not_a_choice", "prediction = 'raise'"),
    ],
    "activations.q1": [
        ("formula_of_the_output", "def sigmoid_derivative(z):\n    return z * (1 - z)"),
        (
            "sign",
            "def sigmoid_derivative(z):\n    s = activations.sigmoid(z)\n    return s * (s - 1)",
        ),
        ("the_function_itself", "def sigmoid_derivative(z):\n    return activations.sigmoid(z)"),
        ("tanh_rule", "def sigmoid_derivative(z):\n    return 1 - activations.sigmoid(z) ** 2"),
        (
            "overflow",
            "def sigmoid_derivative(z):\n    e = np.exp(-z)\n    return e / (1 + e) ** 2",
        ),
        ("raised", "def sigmoid_derivative(z):\n    return activations.sigmoid(z).item()"),
    ],
    "activations.q2": [
        ("kink", "def relu_derivative(z):\n    return np.where(z >= 0, 1.0, 0.0)"),
        ("the_function_itself", "def relu_derivative(z):\n    return np.maximum(z, 0)"),
        ("sign", "def relu_derivative(z):\n    return (z < 0) * 1.0"),
        ("booleans", "def relu_derivative(z):\n    return z > 0"),
        ("float_dtype", "def relu_derivative(z):\n    return (z > 0).astype(int)"),
    ],
    "activations.q3": [
        ("steeper_at_zero", "prediction = 'tanh'"),
        ("not_a_choice", "prediction = 'relu'"),
    ],
    "vanishing-gradients.q1": [
        (
            "variance_as_std",
            "def he_normal(n_in, n_out, rng):\n    return rng.normal(0, 2 / n_in, (n_in, n_out))",
        ),
        (
            "glorot_variance",
            """
            def he_normal(n_in, n_out, rng):
                return rng.normal(0, np.sqrt(2 / (n_in + n_out)), size=(n_in, n_out))
            """,
        ),
        (
            "fan_out",
            "def he_normal(n_in, n_out, rng):\n    return rng.normal(0, np.sqrt(2 / n_out), (n_in, n_out))",
        ),
        (
            "ignores_rng",
            """
            def he_normal(n_in, n_out, rng):
                return np.random.normal(0, np.sqrt(2 / n_in), size=(n_in, n_out))
            """,
        ),
        (
            "ignores_rng",
            """
            def he_normal(n_in, n_out, rng):
                return np.random.default_rng(0).normal(0, np.sqrt(2 / n_in), size=(n_in, n_out))
            """,
        ),
        (
            "uniform",
            """
            def he_normal(n_in, n_out, rng):
                limit = np.sqrt(6 / n_in)
                return rng.uniform(-limit, limit, size=(n_in, n_out))
            """,
        ),
        (
            "transposed",
            "def he_normal(n_in, n_out, rng):\n    return rng.normal(0, np.sqrt(2 / n_in), (n_out, n_in))",
        ),
        (
            "spread",
            "def he_normal(n_in, n_out, rng):\n    return rng.normal(0, 0.01, (n_in, n_out))",
        ),
    ],
    "vanishing-gradients.q2": [
        ("added", "prediction = 0.25 * 5"),
        ("one_layer", "prediction = 0.25"),
        ("the_value", "prediction = 0.5**5"),
        ("no_shrinking", "prediction = 1"),
    ],
    "mnist-data.q1": [
        (
            "not_scaled",
            "def flatten_and_scale(images):\n    return images.reshape(len(images), 784).astype(np.float32)",
        ),
        (
            "integer_division",
            """
            def flatten_and_scale(images):
                return (images.reshape(len(images), 784) // 255).astype(np.float32)
            """,
        ),
        (
            "by_256",
            "def flatten_and_scale(images):\n    return images.reshape(len(images), 784).astype(np.float32) / 256",
        ),
        (
            "one_long_vector",
            "def flatten_and_scale(images):\n    return images.reshape(-1).astype(np.float32) / 255",
        ),
        (
            "float64",
            "def flatten_and_scale(images):\n    return images.reshape(len(images), 784) / 255.0",
        ),
        (
            "transposed",
            "def flatten_and_scale(images):\n    return images.reshape(784, -1).astype(np.float32) / 255",
        ),
    ],
    "mnist-data.q2": [
        ("weights_only", "prediction = 784 * 128"),
        ("added", "prediction = 784 + 128"),
        ("bias_per_input", "prediction = 784 * 128 + 784"),
    ],
    "mnist-data.q3": [
        ("rows_and_columns", "flat_index = 3 * 28 + 5"),
        ("multiplied", "flat_index = 15"),
        ("counting_from_one", "flat_index = 6 * 28 + 4"),
    ],
    "softmax-cross-entropy.q1": [
        (
            "global_max",
            "def softmax(z):\n    e = np.exp(z - np.max(z))\n    return e / e.sum(axis=1, keepdims=True)",
        ),
        (
            "no_stabilisation",
            "def softmax(z):\n    e = np.exp(z)\n    return e / np.sum(e, axis=1, keepdims=True)",
        ),
        (
            "columns",
            "def softmax(z):\n    e = np.exp(z - z.max(axis=0))\n    return e / e.sum(axis=0)",
        ),
        (
            "whole_array",
            "def softmax(z):\n    e = np.exp(z - z.max(axis=1, keepdims=True))\n    return e / e.sum()",
        ),
        (
            "lost_axis",
            "def softmax(z):\n    e = np.exp(z - z.max(axis=1, keepdims=True))\n    return e / e.sum(axis=1)",
        ),
        (
            "mutated",
            """
            def softmax(z):
                z -= z.max(axis=1, keepdims=True)
                e = np.exp(z)
                return e / e.sum(axis=1, keepdims=True)
            """,
        ),
    ],
    "softmax-cross-entropy.q2": [
        (
            "sign",
            "def cross_entropy(p, y):\n    return np.sum(y * np.log(np.clip(p, 1e-7, 1))) / len(p)",
        ),
        (
            "missing_mean",
            "def cross_entropy(p, y):\n    return -np.sum(y * np.log(np.clip(p, 1e-7, 1)))",
        ),
        (
            "mean_of_entries",
            "def cross_entropy(p, y):\n    return -np.mean(y * np.log(np.clip(p, 1e-7, 1)))",
        ),
        ("no_clip", "def cross_entropy(p, y):\n    return -np.sum(y * np.log(p)) / len(p)"),
        (
            "log10",
            "def cross_entropy(p, y):\n    return -np.sum(y * np.log10(np.clip(p, 1e-7, 1))) / len(p)",
        ),
    ],
    "softmax-cross-entropy.q3": [
        ("sign", "prediction = [0.3, -0.2, -0.1]"),
        ("the_probabilities", "prediction = np.array([0.7, 0.2, 0.1])"),
        ("gradient_of_p", "prediction = np.array([-1 / 0.7, 0.0, 0.0])"),
        ("shape", "prediction = np.array([[-0.3, 0.2, 0.1]])"),
        ("array_values", "prediction = np.array([-0.3, 0.2, 0.2])"),
    ],
    "keras-mlp.q1": [
        (
            "first_rows",
            """
            def holdout_split(X, Y, n_validation):
                return (X[n_validation:], Y[n_validation:]), (X[:n_validation], Y[:n_validation])
            """,
        ),
        (
            "overlap",
            """
            def holdout_split(X, Y, n_validation):
                return (X, Y), (X[-n_validation:], Y[-n_validation:])
            """,
        ),
        (
            "swapped",
            """
            def holdout_split(X, Y, n_validation):
                split = len(X) - n_validation
                return (X[split:], Y[split:]), (X[:split], Y[:split])
            """,
        ),
        (
            "off_by_one",
            """
            def holdout_split(X, Y, n_validation):
                split = len(X) - n_validation - 1
                return (X[:split], Y[:split]), (X[split:], Y[split:])
            """,
        ),
    ],
    "keras-mlp.q2": [
        ("rounded_down", "prediction = 60_000 // 128"),
        ("exact_division", "prediction = 60_000 / 128"),
        ("one_per_image", "prediction = 60_000"),
    ],
    "keras-mlp.q3": [
        ("ten_classes", "untrained_loss = 2.303"),
        ("the_probability", "untrained_loss = 0.01"),
        ("reciprocal", "untrained_loss = 100"),
        ("log10", "untrained_loss = np.log10(100)"),
    ],
    "numpy-mlp.q1": [
        (
            "old_v",
            """
            def rmsprop_step(w, g, v, learning_rate, rho, epsilon):
                w_new = w - learning_rate * g / np.sqrt(v + epsilon)
                return w_new, rho * v + (1 - rho) * g**2
            """,
        ),
        (
            "no_root",
            """
            def rmsprop_step(w, g, v, learning_rate, rho, epsilon):
                v = rho * v + (1 - rho) * g**2
                return w - learning_rate * g / (v + epsilon), v
            """,
        ),
        (
            "rho_swapped",
            """
            def rmsprop_step(w, g, v, learning_rate, rho, epsilon):
                v = (1 - rho) * v + rho * g**2
                return w - learning_rate * g / np.sqrt(v + epsilon), v
            """,
        ),
        (
            "not_squared",
            """
            def rmsprop_step(w, g, v, learning_rate, rho, epsilon):
                v = rho * v + (1 - rho) * g
                return w - learning_rate * g / np.sqrt(v + epsilon), v
            """,
        ),
        (
            "uphill",
            """
            def rmsprop_step(w, g, v, learning_rate, rho, epsilon):
                v = rho * v + (1 - rho) * g**2
                return w + learning_rate * g / np.sqrt(v + epsilon), v
            """,
        ),
        (
            "mutated",
            """
            def rmsprop_step(w, g, v, learning_rate, rho, epsilon):
                v *= rho
                v += (1 - rho) * g**2
                return w - learning_rate * g / np.sqrt(v + epsilon), v
            """,
        ),
    ],
    "numpy-mlp.q2": [
        (
            "missing_mean",
            """
            def output_layer_gradients(A1, W2, b2, Y):
                dZ2 = activations.softmax(A1 @ W2 + b2) - Y
                return A1.T @ dZ2, dZ2.sum(axis=0)
            """,
        ),
        (
            "sign",
            """
            def output_layer_gradients(A1, W2, b2, Y):
                dZ2 = (Y - activations.softmax(A1 @ W2 + b2)) / len(Y)
                return A1.T @ dZ2, dZ2.sum(axis=0)
            """,
        ),
        (
            "db_per_sample",
            """
            def output_layer_gradients(A1, W2, b2, Y):
                dZ2 = (activations.softmax(A1 @ W2 + b2) - Y) / len(Y)
                return A1.T @ dZ2, dZ2
            """,
        ),
        (
            "transposed",
            """
            def output_layer_gradients(A1, W2, b2, Y):
                dZ2 = (activations.softmax(A1 @ W2 + b2) - Y) / len(Y)
                return dZ2.T @ A1, dZ2.sum(axis=0)
            """,
        ),
    ],
    "numpy-mlp.q3": [
        ("plain_gradient_descent", "prediction = 0.001 * 100"),
        ("divided_twice", "prediction = 0.001 / 100"),
    ],
    "optimizers.q1": [
        (
            "no_bias_correction",
            """
            def adam_step(w, g, m, s, t, learning_rate, beta_1, beta_2, epsilon):
                m = beta_1 * m + (1 - beta_1) * g
                s = beta_2 * s + (1 - beta_2) * g**2
                return w - learning_rate * m / (np.sqrt(s) + epsilon), m, s
            """,
        ),
        (
            "no_root",
            """
            def adam_step(w, g, m, s, t, learning_rate, beta_1, beta_2, epsilon):
                m = beta_1 * m + (1 - beta_1) * g
                s = beta_2 * s + (1 - beta_2) * g**2
                rate = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
                return w - rate * m / (s + epsilon), m, s
            """,
        ),
        (
            "old_means",
            """
            def adam_step(w, g, m, s, t, learning_rate, beta_1, beta_2, epsilon):
                rate = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
                w_new = w - rate * m / (np.sqrt(s) + epsilon)
                return w_new, beta_1 * m + (1 - beta_1) * g, beta_2 * s + (1 - beta_2) * g**2
            """,
        ),
        (
            "uphill",
            """
            def adam_step(w, g, m, s, t, learning_rate, beta_1, beta_2, epsilon):
                m = beta_1 * m + (1 - beta_1) * g
                s = beta_2 * s + (1 - beta_2) * g**2
                rate = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
                return w + rate * m / (np.sqrt(s) + epsilon), m, s
            """,
        ),
        (
            "mutated",
            """
            def adam_step(w, g, m, s, t, learning_rate, beta_1, beta_2, epsilon):
                m *= beta_1
                m += (1 - beta_1) * g
                s = beta_2 * s + (1 - beta_2) * g**2
                rate = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
                return w - rate * m / (np.sqrt(s) + epsilon), m, s
            """,
        ),
    ],
    "optimizers.q2": [
        ("beta_itself", "prediction = 0.8"),
        ("one_step", "prediction = 1.8"),
        ("wrong_answer", "prediction = 10"),
    ],
    "optimizers.q3": [
        ("plain_gradient_descent", "first_step = 0.01 * 0.001"),
        ("uncorrected", "first_step = 0.01 * 0.1 / 0.001**0.5"),
    ],
    "regularization.q1": [
        ("not_scaled", "def dropout_forward(A, keep, rate):\n    return A * keep"),
        (
            "times_keep_probability",
            "def dropout_forward(A, keep, rate):\n    return A * keep * (1 - rate)",
        ),
        ("divided_by_rate", "def dropout_forward(A, keep, rate):\n    return A * keep / rate"),
        ("mask_inverted", "def dropout_forward(A, keep, rate):\n    return A * ~keep / (1 - rate)"),
    ],
    "regularization.q2": [
        ("half", "def weight_decay_gradient(dW, W, l2):\n    return dW + l2 * W"),
        ("sign", "def weight_decay_gradient(dW, W, l2):\n    return dW - 2 * l2 * W"),
        (
            "decayed_the_gradient",
            "def weight_decay_gradient(dW, W, l2):\n    return dW * (1 - 2 * l2)",
        ),
        ("mutated", "def weight_decay_gradient(dW, W, l2):\n    dW += 2 * l2 * W\n    return dW"),
    ],
    "regularization.q3": [
        ("scaled_down", "prediction = np.array([2.0, 4.0, 0.5]) * 0.7"),
        ("scaled_up", "prediction = np.array([2.0, 4.0, 0.5]) / 0.7"),
        ("shape", "prediction = np.array([2.0, 4.0])"),
    ],
    "numpy-cnn.q1": [
        (
            "missing_one",
            "def output_size(n, k, stride, padding):\n    return (n + 2 * padding - k) // stride",
        ),
        (
            "padding_once",
            "def output_size(n, k, stride, padding):\n    return (n + padding - k) // stride + 1",
        ),
        (
            "rounded",
            "def output_size(n, k, stride, padding):\n"
            "    return round((n + 2 * padding - k) / stride) + 1",
        ),
        (
            "no_stride",
            "def output_size(n, k, stride, padding):\n    return n + 2 * padding - k + 1",
        ),
    ],
    "numpy-cnn.q2": [
        ("not_halved", "prediction = 2"),
        ("pooling_forgives_all", "prediction = 0"),
        ("wrong_answer", "prediction = 4"),
    ],
    "numpy-cnn.q3": [
        (
            "spread",
            """
            def max_pool_backward(x, d_out):
                return np.repeat(np.repeat(d_out, 2, axis=0), 2, axis=1)
            """,
        ),
        (
            "averaged",
            """
            def max_pool_backward(x, d_out):
                return np.repeat(np.repeat(d_out, 2, axis=0), 2, axis=1) / 4
            """,
        ),
        (
            "minimum",
            """
            def max_pool_backward(x, d_out):
                h, w = x.shape
                windows = x.reshape(h // 2, 2, w // 2, 2)
                is_min = windows == windows.min(axis=(1, 3), keepdims=True)
                return (is_min * d_out[:, None, :, None]).reshape(h, w)
            """,
        ),
    ],
    "cnn.q1": [
        (
            "flipped",
            """
            def conv2d(image, kernel):
                kh, kw = kernel.shape
                flipped = kernel[::-1, ::-1]
                out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
                for i in range(out.shape[0]):
                    for j in range(out.shape[1]):
                        out[i, j] = np.sum(image[i:i + kh, j:j + kw] * flipped)
                return out
            """,
        ),
        (
            "padded",
            """
            def conv2d(image, kernel):
                kh, kw = kernel.shape
                padded = np.pad(image, ((0, kh - 1), (0, kw - 1)))
                out = np.zeros(image.shape)
                for i in range(image.shape[0]):
                    for j in range(image.shape[1]):
                        out[i, j] = np.sum(padded[i:i + kh, j:j + kw] * kernel)
                return out
            """,
        ),
        (
            "one_short",
            """
            def conv2d(image, kernel):
                kh, kw = kernel.shape
                out = np.zeros((image.shape[0] - kh, image.shape[1] - kw))
                for i in range(image.shape[0] - kh):
                    for j in range(image.shape[1] - kw):
                        out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
                return out
            """,
        ),
        (
            "kernel_transposed",
            """
            def conv2d(image, kernel):
                kernel = kernel.T
                kh, kw = kernel.shape
                out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
                for i in range(out.shape[0]):
                    for j in range(out.shape[1]):
                        out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
                return out
            """,
        ),
    ],
    "cnn.q2": [
        ("no_bias", "prediction = 3 * 3 * 3 * 16"),
        ("one_channel", "prediction = 3 * 3 * 16 + 16"),
        ("one_filter", "prediction = 27"),
    ],
    "cnn.q3": [
        ("no_shrinking", "side = 14"),
        ("no_pooling", "side = 24"),
        ("one_short", "side = 11"),
    ],
}

# Mistakes every function exercise recognises (tests/exercise_support names them in the
# messages below): the words that show the right message was chosen, per language.
GENERIC = {
    "mutated": ("제자리에서", "in place"),
    "transposed": ("전치", "transposed"),
    "gradient": ("수치 미분", "numerical gradient"),
    "count": ("돌려주는 값이", "values where"),
    "raised": ("예외를 일으켰습니다", "raised"),
    "float_dtype": ("실수(float) 배열", "a float array"),
    "shape": ("기대한 모양은", "where (3,) is expected"),
    "array_values": ("틀립니다 (지금 값", "is wrong at index"),
    "wrong_answer": ("정답이 아닙니다", "is not the answer"),
    "answer_type": ("답의 형태는", "the answer is"),
    "spread": ("퍼진 정도", "spread of your weights"),
}

EXERCISES = es.exercises()
CHECKED = es.checked()
IDS = {exercise.id: exercise for exercise in EXERCISES}
CASES = [
    (exercise_id, key, code) for exercise_id, entries in WRONG.items() for key, code in entries
]


def expected_message(exercise, key: str, language: str) -> str | None:
    """The whole line ``check`` prints for the exercise's own mistake ``key``; None if generic."""
    for mistake in [*getattr(exercise, "always", ()), *exercise.mistakes]:
        if mistake.key == key:
            text = _sentence(mistake.message(language), language)
            return MESSAGES["incorrect"](language, message=text)
    return None


# -- 1. what every exercise has ------------------------------------------------------------------


def test_every_topic_page_has_an_exercise_module_in_the_site_order():
    from .test_site import PAGES

    topics = [page for page in PAGES if page not in ("index", "glossary")]
    assert [name.replace("_", "-") for name in MODULES] == topics


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_every_exercise_has_a_task_hints_and_a_solution(exercise):
    assert exercise.key == f"q{exercise.number}"
    assert exercise.title and exercise.task and exercise.hints
    for language in LANGUAGES:
        text = exercise.markdown(language)
        assert text.startswith(f"### {exercise.number}. {exercise.title(language)}")
        assert text.count('<details class="tip">') == len(exercise.hints)
    if exercise.style != "think":
        assert exercise.name and exercise.solution_code


def test_each_page_has_two_to_four_exercises_with_a_write_and_a_predict():
    for module in es.modules():
        numbers = [exercise.number for exercise in module.EXERCISES]
        assert numbers == list(range(1, len(numbers) + 1)), module.__name__
        assert 2 <= len(numbers) <= 4, module.__name__
        styles = {exercise.style for exercise in module.EXERCISES}
        checked = [e for e in module.EXERCISES if e in CHECKED]
        assert len(checked) >= 2 and {"write", "predict"} <= styles, module.__name__


# -- 2. the reference solutions pass -------------------------------------------------------------


@pytest.mark.parametrize("exercise", CHECKED, ids=lambda exercise: exercise.id)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_solution_passes(exercise, language):
    answer = es.answer_from(exercise, exercise.solution_code)
    result, printed = es.check_quietly(exercise, answer, language)
    assert result.status == "correct", printed
    assert bool(result) and printed.strip() == MESSAGES["correct"](language)


# -- 3. known-wrong solutions fail with the message meant for them -------------------------------


def test_every_write_exercise_has_three_known_wrong_solutions_and_every_mistake_is_shown():
    for exercise in CHECKED:
        keys = [key for key, _ in WRONG.get(exercise.id, [])]
        if exercise.style == "write":
            assert len(set(keys)) >= 3, f"{exercise.id}: {keys}"
        own = [m.key for m in [*getattr(exercise, "always", ()), *exercise.mistakes]]
        assert set(own) <= set(keys), (
            f"{exercise.id}: no known-wrong answer for {set(own) - set(keys)}"
        )
    assert set(WRONG) <= set(IDS)


@pytest.mark.parametrize(
    ("exercise_id", "key", "code"), CASES, ids=[f"{e}-{k}" for e, k, _ in CASES]
)
def test_a_known_wrong_solution_fails_with_its_message(exercise_id, key, code):
    exercise = IDS[exercise_id]
    answer = es.answer_from(exercise, code)
    for language in LANGUAGES:
        result, printed = es.check_quietly(exercise, answer, language)
        assert result.status == "incorrect" and not result, printed
        assert result.mistake == key, f"{language}: {printed}"
        assert printed.strip() == result.message
        wanted = expected_message(exercise, key, language)
        if wanted is not None:
            assert result.message == wanted
        else:
            assert GENERIC[key][LANGUAGES.index(language)] in result.message, result.message


# -- 4. no message gives the solution away -------------------------------------------------------


def messages_of(exercise) -> list[str]:
    """Every line its check can print: its own mistakes' and the checker's templates, both
    languages, and what the known-wrong answers actually printed (with their numbers)."""
    lines = [text(language) for text in exercise.messages() for language in LANGUAGES]
    lines += [getattr(text, language) for text in MESSAGES.values() for language in LANGUAGES]
    for _, code in WRONG.get(exercise.id, []):
        answer = es.answer_from(exercise, code)
        lines += [es.check_quietly(exercise, answer, language)[0].message for language in LANGUAGES]
    return lines


@pytest.mark.parametrize("exercise", CHECKED, ids=lambda exercise: exercise.id)
def test_no_check_message_contains_its_solution(exercise):
    code, values = es.solution_fragments(exercise)
    assert code or values
    for line in messages_of(exercise):
        for fragment in code:
            assert not es.contains_code(line, fragment), f"{fragment!r} in {line!r}"
        for value in values:
            assert not es.contains_value(line, value), f"{value!r} in {line!r}"


def test_the_leak_test_finds_a_leak():
    """The two matchers see a solution written out, and not a number that merely starts alike."""
    assert es.contains_code("try `return s*(1 - s)`", "s * (1 - s)")
    assert es.contains_value("❌ 0.15 diverges", "0.15") and not es.contains_value("0.155", "0.15")
    assert not es.contains_value("19 units", "9") and es.contains_value("(9 in all)", "9")


# -- 5. blank starters, junk, languages, no network, no TensorFlow -------------------------------


@pytest.mark.parametrize("exercise", CHECKED, ids=lambda exercise: exercise.id)
def test_blank_starter_code_is_not_attempted(exercise):
    blanks = [..., None]
    if exercise.kind in ("function", "gradient"):
        namespace = {}
        exec(f"def {exercise.name}(*args):\n    ...", namespace)  # noqa: S102 - the starter cell
        blanks += [namespace[exercise.name], lambda *args: None]

        def unfinished(*args):
            raise NotImplementedError

        blanks.append(unfinished)
    for blank in blanks:
        for language in LANGUAGES:
            result, printed = es.check_quietly(exercise, blank, language)
            assert result.status == "not_attempted" and not result, printed
            assert printed.strip() == MESSAGES["not_attempted"](
                language, hint_call=f"ex.{exercise.key}.hint()"
            )


JUNK = [0, 1.5, True, "text", [1, 2], {"a": 1}, np.zeros((2, 2)), object(), lambda *a: "text"]


@pytest.mark.parametrize("exercise", CHECKED, ids=lambda exercise: exercise.id)
def test_check_never_raises_for_a_wrong_answer(exercise):
    def raises(*args):
        raise ZeroDivisionError("boom")

    for answer in [*JUNK, raises, lambda *args: args, lambda *args: np.full((3, 3), np.nan)]:
        result, printed = es.check_quietly(exercise, answer, "en")
        assert isinstance(result, Result) and result.status in ("incorrect", "correct"), printed
        assert printed.startswith(("❌", "✅"))


def test_a_function_that_raises_is_reported_with_its_error():
    exercise = IDS["activations.q1"]

    def broken(z):
        return z / "two"

    result, printed = es.check_quietly(exercise, broken, "en")
    assert result.mistake == "raised" and "TypeError" in printed and "z = [-2, 0, 3]" in printed


def test_language_comes_from_the_argument_then_dlbasics_lang_then_the_locale(monkeypatch, capsys):
    exercise = IDS["activations.q3"]
    for variable in ("DLBASICS_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    assert exercise.check(...).language == "en"
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert exercise.check(...).language == "ko"
    monkeypatch.setenv("DLBASICS_LANG", "en")
    assert exercise.check(...).language == "en"
    assert exercise.check(..., language="ko").language == "ko"
    printed = capsys.readouterr().out.splitlines()
    assert printed[1].startswith("⬜ 아직") and printed[2].startswith("⬜ Not attempted")
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        exercise.check(..., language="fr")
    monkeypatch.setenv("DLBASICS_LANG", "fr")
    with pytest.raises(ValueError, match="DLBASICS_LANG must be 'ko' or 'en'"):
        exercise.check(...)


def test_hint_and_solution_print_in_the_language(capsys):
    exercise = IDS["activations.q1"]
    exercise.hint(language="en")
    exercise.hint(2, language="ko")
    exercise.solution(language="en")
    out = capsys.readouterr().out
    assert out.startswith("💡 Hint 1/2: ") and "(next hint: `ex.q1.hint(2)`)" in out
    assert "💡 힌트 2/2: " in out and "Solution (activations.q1):" in out
    assert exercise.solution_code in out
    with pytest.raises(ValueError, match="activations.q1 has 2 hint"):
        exercise.hint(3)
    question = IDS["linear-regression.q3"]
    question.answer(language="ko")
    assert capsys.readouterr().out.startswith("답 (linear-regression.q3): ")


def test_a_result_is_truthy_only_when_right_and_shows_nothing_more_in_jupyter():
    right = Result("x.q1", "correct", "✅")
    assert (
        right
        and not Result("x.q1", "incorrect", "❌")
        and not Result("x.q1", "not_attempted", "⬜")
    )
    assert right._ipython_display_() is None  # the line was printed by check()
    assert repr(right) == "Result('x.q1', 'correct', mistake=None)"


def test_texts_need_both_languages_with_the_same_fields():
    with pytest.raises(ValueError, match="needs a ko message"):
        Text(ko=" ", en="x")
    with pytest.raises(ValueError, match="fields differ"):
        Text(ko="{a}", en="{b}")


def test_checking_every_exercise_opens_no_socket(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("an exercise tried to open a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    for exercise in CHECKED:
        for _, code in [("solution", exercise.solution_code), *WRONG.get(exercise.id, [])]:
            es.check_quietly(exercise, es.answer_from(exercise, code), "en")


def test_nothing_in_the_package_imports_the_exercises():
    from .test_import_graph import graph

    importers = [
        module
        for module, targets in graph().items()
        if not module.startswith("exercises") and any(t.startswith("exercises") for t in targets)
    ]
    assert importers == []


def test_the_exercises_import_neither_tensorflow_nor_matplotlib():
    imports = "; ".join(f"import dlbasics.exercises.{name}" for name in MODULES)
    code = (
        f"import sys; {imports}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'keras', 'matplotlib'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == "[]"


# -- 6. the numbers the explanations state -------------------------------------------------------


def test_the_numbers_in_the_explanations():
    x, y = linear_regression.make_data(n_samples=50, W=2.0, b=1.0, noise=0.5, seed=0)
    assert f"{linear_regression.cost(x, y, 2.0, 1.0):.3f}" == "0.254"  # linear-regression.q2
    # gradient-descent.q2 and q3: the stability limit 2 / lambda_max of the cost's Hessian
    for scale, limit in ((1.0, 0.10), (5.0, 0.77)):
        xs = x / scale
        hessian = 2 * np.array([[np.mean(xs * xs), np.mean(xs)], [np.mean(xs), 1.0]])
        assert round(2 / np.linalg.eigvalsh(hessian).max(), 2) == limit
    run = linear_regression.fit(x, y, learning_rate=0.15, n_steps=300)
    assert not run.diverged and 1e175 < run.cost[-1] < 1e177
    assert linear_regression.fit(x, y, learning_rate=0.25, n_steps=300).diverged
    # activations.q3
    assert f"{float(activations.sigmoid_derivative(2.0)):.3f}" == "0.105"
    assert f"{float(activations.tanh_derivative(2.0)):.3f}" == "0.071"
    # softmax-cross-entropy.q2: the clipped loss of p = 0
    assert f"{-np.log(1e-7):.1f}" == "16.1"
    # backpropagation.q2: the page's output is about 0.6 and one step lowers W2[0, 0]
    from dlbasics.exercises.backpropagation import SAMPLE, _direction_of_W2_00, _model

    assert f"{_model().predict(np.array(SAMPLE)).item():.1f}" == "0.6"
    assert _direction_of_W2_00(0.0) == "down"
    # keras-mlp.q2: 60,000 = 468 x 128 + 96; the holdout epoch
    from dlbasics.cnn import epoch_steps

    assert divmod(60_000, 128) == (468, 96) and epoch_steps(50_000, 128) == 391
    # optimizers.q2: 1 / (1 - beta) for 0.8, 0.9, 0.99; q3: alpha * g
    assert [round(1 / (1 - b)) for b in (0.8, 0.9, 0.99)] == [5, 10, 100]
    assert f"{0.01 * 0.001:.5f}" == "0.00001"
    # numpy-cnn: none of its explanations' numbers but the shift: 2 positions, then 1


# -- 7. the references the checks compare with are the package's own computations ---------------


@pytest.mark.parametrize(
    "exercise", [e for e in CHECKED if e.kind == "gradient"], ids=lambda e: e.id
)
def test_a_gradient_reference_agrees_with_the_numerical_gradient(exercise):
    from dlbasics.gradient_check import relative_error

    for case in exercise.cases:
        for analytic, numeric in zip(
            exercise.reference(*case.args), exercise.numerical(*case.args), strict=True
        ):
            assert relative_error(analytic, numeric) < 1e-8, case.label


def test_the_adam_reference_is_the_optimizer_of_the_package():
    from dlbasics.exercises.optimizers import _adam
    from dlbasics.optimizers import Adam

    rng = np.random.default_rng(0)
    w, adam = rng.normal(size=5), Adam(learning_rate=0.01)
    ours, m, s = w.copy(), np.zeros(5), np.zeros(5)
    for t in range(1, 4):
        g = rng.normal(size=5)
        adam.step([w], [g])
        ours, m, s = _adam(ours, g, m, s, t, 0.01, 0.9, 0.999, 1e-7)
        np.testing.assert_allclose(ours, w, rtol=1e-12)


def test_the_chapter_references_are_the_package_s_computations():
    from dlbasics import conv_layers, regularization
    from dlbasics.exercises import numpy_cnn, optimizers
    from dlbasics.exercises import regularization as reg_exercises

    rng = np.random.default_rng(1)
    A = rng.normal(size=(4, 5))
    mask = regularization.dropout_mask(A.shape, 0.25, rng, dtype=np.float64)
    np.testing.assert_allclose(reg_exercises._dropout(A, mask > 0, 0.25), A * mask)
    for n, k, stride, padding in [(28, 3, 1, 0), (28, 3, 2, 1), (7, 3, 2, 0), (5, 5, 1, 2)]:
        assert numpy_cnn._output_size(n, k, stride, padding) == conv_layers.output_size(
            n, k, stride, padding
        )
    assert numpy_cnn._pooled_shift() == 1
    assert optimizers._top_speed() == pytest.approx(1 / (1 - optimizers.BETA))
    first = optimizers._first_adam_step()
    assert first == pytest.approx(0.01, rel=0.01) and first < 0.01  # epsilon takes a little


def test_the_rmsprop_reference_is_the_optimizer_of_the_package():
    from dlbasics.exercises.numpy_mlp import _rmsprop
    from dlbasics.optimizers import RMSprop

    rng = np.random.default_rng(0)
    w, grads = rng.normal(size=5), rng.normal(size=(3, 5))
    optimizer, param = RMSprop(learning_rate=0.1, rho=0.9, epsilon=1e-7), w.copy()
    v = np.zeros(5)
    for g in grads:
        optimizer.step([param], [g.copy()])
        w, v = _rmsprop(w, g, v, 0.1, 0.9, 1e-7)
    np.testing.assert_allclose(w, param, rtol=1e-12)


def test_the_perceptron_reference_is_the_rule_of_perceptron_train():
    from dlbasics import perceptron
    from dlbasics.exercises.perceptron import _update

    X, y = perceptron.logic_gate("OR")
    trained = perceptron.train(X, y, learning_rate=0.1, max_epochs=10, seed=0)
    W, b = np.random.default_rng(0).normal(0.0, 0.1, size=2), 0.0  # train's start
    for _ in range(trained.n_epochs):
        for x_i, y_i in zip(X, y, strict=True):
            W, b = _update(W, b, x_i, y_i, 0.1)
    np.testing.assert_allclose(W, trained.W)
    assert float(b) == pytest.approx(trained.b)


def test_the_forward_reference_is_mlp_predict():
    from dlbasics.exercises.mlp_xor import _XOR_X, _forward
    from dlbasics.mlp import MLP

    model = MLP([2, 3, 1], ["tanh", "sigmoid"], loss="mse", seed=1, dtype=np.float64)
    W1, b1, W2, b2 = model.params
    np.testing.assert_allclose(_forward(_XOR_X, W1, b1, W2, b2), model.predict(_XOR_X))


def test_the_holdout_reference_splits_as_prepare_data():
    from dlbasics.exercises.keras_mlp import _split
    from dlbasics.mnist_runs import N_HOLDOUT, prepare_data

    from ._support import synthetic_digits

    data = synthetic_digits(n_train=N_HOLDOUT + 40, n_test=8)
    train, validation, _ = prepare_data(data, "holdout")
    X, Y = np.concatenate([train[0], validation[0]]), np.concatenate([train[1], validation[1]])
    (X_train, _), (X_val, Y_val) = _split(X, Y, N_HOLDOUT)
    assert np.array_equal(X_train, train[0]) and np.array_equal(X_val, validation[0])
    assert np.array_equal(Y_val, validation[1])
