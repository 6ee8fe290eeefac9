"""A learning-rate schedule planned for a fixed budget: linear warm-up, then linear decay to 0.

The rate rises from 0 to ``peak`` over the first ``warmup_fraction`` of the steps, then falls in a
straight line to 0 at the last step. A large rate learns fast; bringing it down to 0 at the planned
end lets the weights settle, so training ends at its best instead of wherever a constant rate
leaves it. :func:`learning_rate_at` computes it in NumPy (for plots, tests and the NumPy CNN's
training); :func:`dlbasics.cnn.warmup_linear_decay` is the same schedule as a Keras
``LearningRateSchedule`` (the Keras CNN's). This module imports no Keras, so the NumPy CNN needs
none.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_fraction, check_int, check_positive_float

PEAK_LEARNING_RATE = 0.01  # 10x Adam's default, which batch normalization makes stable
WARMUP_FRACTION = 0.1


def learning_rate_at(
    step, *, total_steps: int, peak: float = PEAK_LEARNING_RATE, warmup_fraction=WARMUP_FRACTION
) -> np.ndarray:
    """The learning rate of optimizer step ``step`` (0-based): linear warm-up, then linear decay.

    Warm-up over ``w = max(1, round(warmup_fraction * total_steps))`` steps: step ``s`` uses
    ``peak * (s + 1) / w``, so the rate reaches ``peak`` at step ``w - 1``. Then it falls in a
    straight line: ``peak * (total_steps - s) / (total_steps - w)``, ``peak / (total_steps - w)``
    at the last step, 0 from ``total_steps`` on. Accepts a number or an array of steps.
    """
    total_steps = check_int("total_steps", total_steps, minimum=2)
    peak = check_positive_float("peak", peak)
    warm_steps = warmup_steps(total_steps, warmup_fraction)
    s = np.asarray(step, dtype=np.float64)
    warm = peak * (s + 1) / warm_steps
    decay = peak * (total_steps - s) / (total_steps - warm_steps)
    return np.clip(np.where(s < warm_steps, warm, decay), 0.0, peak)


def warmup_steps(total_steps: int, warmup_fraction: float = WARMUP_FRACTION) -> int:
    """The warm-up's length in steps: ``max(1, round(warmup_fraction * total_steps))``."""
    warmup_fraction = check_fraction("warmup_fraction", warmup_fraction)
    return min(max(1, round(warmup_fraction * total_steps)), total_steps - 1)
