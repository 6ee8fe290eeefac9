"""dlbasics: deep-learning basics from scratch in NumPy, with the Keras code beside it.

Modules, one concept each: ``activations``, ``losses``, ``linear_regression``, ``perceptron``,
``mlp``, ``optimizers``, ``gradient_check``, ``vanishing``, ``preprocessing``, ``mnist`` (data),
``keras_models`` (the only module that imports TensorFlow, lazily).
"""

__version__ = "0.1.0"
