"""Exercises for every topic page, checked on the spot, in Korean or English.

::

    from dlbasics.exercises import activations as ex

    ex.q1                          # the task
    ex.q1.check(sigmoid_derivative)  # ✅, ❌ and what is wrong, or ⬜ not attempted yet
    ex.q1.hint()                   # the first hint; ex.q1.hint(2) the next one
    ex.q1.solution()               # the solution and why it is right

One module per topic page, named like the page (``linear-regression`` -> ``linear_regression``),
each with ``q1``, ``q2``, ... and ``EXERCISES``. ``check`` never raises for a wrong answer: it
prints one line and returns a :class:`~._kinds.Result` (truthy when right). Starter code left
blank (``...``, or a function that returns None) is "not attempted", so a page whose exercises
are not filled in still runs from top to bottom.

Messages are in the reader's language: ``language="ko"`` or ``"en"`` on the call, else the
``DLBASICS_LANG`` environment variable (the site sets it per page), else the locale, else English.

Everything runs where the code runs: no network, no telemetry. The modules need only NumPy (no
TensorFlow, no matplotlib), so they run in Jupyter, in Colab and in the site's in-browser Python.
``_kinds`` holds the kinds of exercise, ``_mistakes`` the detectors of typical mistakes,
``_compare`` and ``_attempt`` the checker, ``_text`` the messages in both languages.
"""

# The topic pages' exercise modules, in the site's order.
MODULES = (
    "linear_regression",
    "gradient_descent",
    "perceptron",
    "mlp_xor",
    "backpropagation",
    "activations",
    "vanishing_gradients",
    "mnist_data",
    "softmax_cross_entropy",
    "keras_mlp",
    "numpy_mlp",
    "optimizers",
    "regularization",
    "cnn",
    "numpy_cnn",
)
