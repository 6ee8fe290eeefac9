"""dlbasics: deep-learning basics from scratch in NumPy, with the Keras code beside it.

One concept per module (rows are samples everywhere: ``X`` is ``(n_samples, n_features)``):

- NumPy, from scratch: ``activations``, ``losses``, ``linear_regression``, ``perceptron``,
  ``mlp`` (dense layers and backpropagation), ``optimizers`` (SGD, momentum, RMSprop, Adam),
  ``regularization`` (L2, dropout, early stopping), ``gradient_check``, ``vanishing``,
  ``convolution`` (one filter on one image), ``conv_layers`` (convolution and pooling for
  batches, forward and backward), ``batchnorm``.
- MNIST and the lecture: ``mnist`` (the verified offline loader), ``preprocessing``, ``lecture``
  (the note's model, settings and reported numbers), ``mnist_runs`` (a run's result, its cache,
  the comparison table), ``mnist_numpy`` (the lecture's model from scratch), ``cnn_data`` (the
  CNNs' images and split), ``numpy_cnn`` (a CNN from scratch), ``schedules`` (warm-up, then
  linear decay), ``overfitting`` and ``shifted_digits`` (the experiments of two pages).
- Keras: ``keras_models`` (the lecture's model), ``cnn`` (a small convolutional network, with the
  schedule as a Keras one). TensorFlow is imported only when one of their functions runs, through
  ``_keras``, so ``import dlbasics`` stays NumPy-only and fast.
- Around them: ``plots`` (figures labelled in Korean or English), ``glossary``, ``cli``
  (``python -m dlbasics``), ``run_cache`` (training results kept on disk for the pages) and
  ``cache_files`` (what every on-disk cache promises: a damaged entry is a miss, writes are
  atomic), ``progress``, and ``bench/`` (the benchmarks: measuring, not teaching).
- ``exercises/``: the exercises at the end of every topic page, one module per page, checked on
  the spot in Korean or English (``from dlbasics.exercises import activations as ex``).
"""

__version__ = "0.1.0"
