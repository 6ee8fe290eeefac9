"""Measuring, not teaching: the benchmarks, and the machine their numbers come from.

- :mod:`~dlbasics.bench.numpy_vs_keras`: one epoch of the lecture's model, the NumPy trainer
  against Keras and against the BLAS floor (``dlbasics bench``, ``make bench``);
- :mod:`~dlbasics.bench.cnn_vs_keras_io`: our CNN against keras-io's convnet, time to 99 % test
  accuracy, and the validation study behind the CNN's design (``dlbasics bench-cnn``,
  ``make bench-cnn``);
- :mod:`~dlbasics.bench.numpy_cnn_vs_keras`: one epoch of the NumPy CNN against the same network
  in Keras, timed in one run (the NumPy CNN page);
- :mod:`~dlbasics.bench._machine`: the CPU, load and library versions recorded with each result.

``from dlbasics import bench; bench.run(...)`` (the numpy-mlp page) is
:func:`dlbasics.bench.numpy_vs_keras.run`.
"""

from .numpy_vs_keras import report, run

__all__ = ["report", "run"]
