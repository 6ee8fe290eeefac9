"""dlbasics: deep-learning basics from scratch in NumPy, with the Keras code beside it.

One concept per module (rows are samples everywhere: ``X`` is ``(n_samples, n_features)``):

- NumPy, from scratch: ``activations``, ``losses``, ``linear_regression``, ``perceptron``,
  ``mlp`` (dense layers and backpropagation), ``optimizers``, ``gradient_check``, ``vanishing``,
  ``convolution``.
- MNIST: ``mnist`` (the verified offline loader), ``preprocessing``, ``mnist_runs`` (a run's
  result and the comparison table), ``mnist_numpy`` (the lecture's model from scratch).
- Keras (the only modules that import TensorFlow, and only when called): ``keras_models`` (the
  lecture's model), ``cnn`` and ``cnn_bench``.
- Around them: ``bench`` (NumPy vs Keras vs the BLAS floor), ``run_cache`` (training results kept
  on disk for the pages), ``plots`` (figures labelled in Korean or English), ``glossary``,
  ``progress``, ``cli`` (``python -m dlbasics``).
"""

__version__ = "0.1.0"
