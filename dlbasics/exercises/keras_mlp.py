"""Exercises for the page "An MLP in Keras", in NumPy only (the in-browser Python has no TensorFlow):
the holdout split, the steps of an epoch, the loss of a model that knows nothing.
"""

from __future__ import annotations

import numpy as np

from .. import losses
from ..cnn import epoch_steps
from ..preprocessing import one_hot
from ._attempt import Case
from ._kinds import FunctionExercise, ValueExercise
from ._mistakes import Mistake, answer_is, answer_near, behaves_like, when
from ._text import Text as T

PAGE = "keras-mlp"
N_TRAIN, BATCH_SIZE = 60_000, 128  # the lecture's training set and batch size
N_CLASSES = 100


def _split(X, Y, n_validation, *, at=None, validation_first=False, overlap=False, swap=False):
    """The holdout split (validation = the last rows); the keywords make the wrong versions."""
    split = len(X) - n_validation if at is None else at
    if validation_first:
        train, validation = (
            (X[n_validation:], Y[n_validation:]),
            (X[:n_validation], Y[:n_validation]),
        )
    else:
        train = (X, Y) if overlap else (X[:split], Y[:split])
        validation = (X[split:], Y[split:])
    return (validation, train) if swap else (train, validation)


def _data(n, n_features, seed):
    X = np.random.default_rng(seed).normal(size=(n, n_features))
    return X, one_hot(np.arange(n) % 4, 4)


def _off_by_one(attempt) -> bool:
    return any(
        behaves_like(lambda X, Y, n, shift=shift: _split(X, Y, n, at=len(X) - n + shift))(attempt)
        for shift in (-1, 1)
    )


q1 = FunctionExercise(
    PAGE,
    1,
    name="holdout_split",
    title=T(ko="검증 데이터 떼어 내기", en="Holding out validation data"),
    task=T(
        ko='`holdout_split(X, Y, n_validation)`을 완성하세요. 이 페이지의 `validation="holdout"`'
        "처럼 마지막 n_validation개의 행을 검증 데이터로, 나머지를 학습 데이터로 나누어 "
        "`((X_train, Y_train), (X_val, Y_val))`을 돌려줍니다.",
        en='Complete `holdout_split(X, Y, n_validation)`: like this page\'s `validation="holdout"`, '
        "keep the last n_validation rows for validation and the rest for training, and return "
        "`((X_train, Y_train), (X_val, Y_val))`.",
    ),
    reference=_split,
    cases=[
        Case((*_data(10, 3, 0), 3), "X (10, 3), Y (10, 4), n_validation = 3"),
        Case((*_data(7, 2, 1), 2), "X (7, 2), Y (7, 4), n_validation = 2"),
    ],
    names=("train", "validation"),
    mistakes=[
        Mistake(
            "first_rows",
            behaves_like(lambda *args: _split(*args, validation_first=True)),
            T(
                ko="처음 행들을 검증 데이터로 떼었습니다. 이 페이지의 holdout은 앞의 이미지로 학습하고 "
                "마지막 n_validation개로 검증합니다.",
                en="you held out the first rows: this page's holdout trains on the first images "
                "and validates on the last n_validation.",
            ),
        ),
        Mistake(
            "overlap",
            behaves_like(lambda *args: _split(*args, overlap=True)),
            T(
                ko="학습 데이터에 검증 행이 그대로 남아 있습니다. 그러면 모델이 학습한 이미지로 "
                "검증하게 됩니다.",
                en="your training part still holds the validation rows: the model would be "
                "validated on images it trained on.",
            ),
        ),
        Mistake(
            "swapped",
            behaves_like(lambda *args: _split(*args, swap=True)),
            T(
                ko="학습 데이터와 검증 데이터의 순서가 바뀌었습니다. (학습, 검증) 순서로 돌려주세요.",
                en="training and validation are swapped: return (train, validation).",
            ),
        ),
        Mistake(
            "off_by_one",
            when(_off_by_one),
            T(
                ko="검증 데이터가 한 행 많거나 적습니다. 정확히 n_validation개여야 합니다.",
                en="the validation part has one row too many or too few: it must have exactly "
                "n_validation rows.",
            ),
        ),
    ],
    hints=[
        T(
            ko="나누는 위치는 len(X) − n_validation입니다. 그 앞은 학습, 그 뒤는 검증입니다.",
            en="The split is at len(X) − n_validation: before it training, from it on validation.",
        ),
        T(
            ko="`split = len(X) - n_validation`으로 두고 X와 Y를 모두 `[:split]`과 `[split:]`로 "
            "자르세요.",
            en="With `split = len(X) - n_validation`, cut both X and Y into `[:split]` and "
            "`[split:]`.",
        ),
    ],
    solution="""
        def holdout_split(X, Y, n_validation):
            split = len(X) - n_validation
            return (X[:split], Y[:split]), (X[split:], Y[split:])
    """,
    explanation=T(
        ko='`dlbasics.mnist_runs.prepare_data(data, "holdout")`가 60,000개의 학습 이미지를 이렇게 '
        "50,000개와 10,000개로 나눕니다. 테스트 데이터는 학습이 끝난 뒤 한 번만 씁니다.",
        en='`dlbasics.mnist_runs.prepare_data(data, "holdout")` splits the 60,000 training '
        "images this way into 50,000 and 10,000. The test data is used once, after training.",
    ),
)

q2 = ValueExercise(
    PAGE,
    2,
    name="prediction",
    title=T(ko="에포크 한 번의 걸음 수", en="The steps of one epoch"),
    task=T(
        ko="학습 이미지 60,000개를 배치 크기 128로 한 에포크 학습하면 옵티마이저는 몇 걸음(가중치 "
        "갱신)을 갈까요? 먼저 예측하고, 그다음 셀로 확인하세요.",
        en="Training one epoch on 60,000 images with a batch size of 128: how many optimizer "
        "steps (weight updates) is that? Predict first, then verify with the cell after.",
    ),
    expected=lambda: epoch_steps(N_TRAIN, BATCH_SIZE),
    answer_type="number",
    mistakes=[
        Mistake(
            "rounded_down",
            answer_is(lambda: N_TRAIN // BATCH_SIZE),
            T(
                ko="마지막 배치는 128개보다 작지만 그것도 한 걸음입니다. 내림이 아니라 올림입니다.",
                en="the last batch is smaller than 128, but it is still a step: round up, not down.",
            ),
        ),
        Mistake(
            "exact_division",
            answer_near(N_TRAIN / BATCH_SIZE, rtol=1e-6),
            T(
                ko="걸음 수는 정수입니다. 남는 이미지들도 배치 하나를 이룹니다.",
                en="a number of steps is a whole number; the images left over form a batch too.",
            ),
        ),
        Mistake(
            "one_per_image",
            answer_is(N_TRAIN),
            T(
                ko="이미지마다 한 걸음이면 배치 크기가 1입니다. 걸음마다 128개를 한꺼번에 씁니다.",
                en="one step per image would be a batch size of 1; each step uses 128 images at "
                "once.",
            ),
        ),
    ],
    hints=[
        T(
            ko="60,000을 128로 나누면 나누어떨어지지 않습니다. 남는 이미지는 어떻게 될까요?",
            en="60,000 is not a multiple of 128. What happens to the images left over?",
        ),
    ],
    solution="""
        prediction = 469
    """,
    explanation=T(
        ko="60,000 = 468 × 128 + 96이므로 128개짜리 배치 468개와 96개짜리 배치 하나, 모두 469걸음"
        "입니다. holdout으로 50,000개만 학습하면 391걸음입니다.",
        en="60,000 = 468 × 128 + 96: 468 batches of 128 and one of 96, 469 steps in all. "
        "Trained on the 50,000 images of the holdout split, an epoch takes 391 steps.",
    ),
)


def _untrained_loss() -> float:
    p = np.full((1, N_CLASSES), 1 / N_CLASSES)  # a model that favours no class
    return losses.cross_entropy(p, one_hot(np.array([0]), N_CLASSES, dtype=np.float64))


q3 = ValueExercise(
    PAGE,
    3,
    name="untrained_loss",
    title=T(ko="아무것도 모르는 모델의 손실", en="The loss of a model that knows nothing"),
    task=T(
        ko="학습 전의 모델은 10개 클래스에 고르게 1/10씩 주어 손실이 log 10 ≈ 2.303 근처였습니다. "
        "클래스가 100개라면, 모든 클래스에 1/100씩 주는 모델의 교차 엔트로피는 얼마일까요? "
        "(1% 안이면 정답)",
        en="Before training, the model gave each of the 10 classes about 1/10, and its loss was "
        "near log 10 ≈ 2.303. With 100 classes, what is the cross-entropy of a model that gives "
        "every class 1/100? (Within 1% counts.)",
    ),
    expected=_untrained_loss,
    answer_type="number",
    rtol=0.01,
    mistakes=[
        Mistake(
            "ten_classes",
            answer_near(np.log(10), rtol=0.01),
            T(
                ko="그것은 클래스 10개일 때의 손실입니다. 100개면 정답 클래스의 확률이 1/100입니다.",
                en="that is the loss for 10 classes; with 100, the true class gets 1/100.",
            ),
        ),
        Mistake(
            "the_probability",
            answer_near(1 / N_CLASSES, rtol=0.01),
            T(
                ko="그것은 확률입니다. 손실은 −log p입니다.",
                en="that is the probability; the loss is −log p.",
            ),
        ),
        Mistake(
            "reciprocal",
            answer_near(N_CLASSES, rtol=0.01),
            T(
                ko="1/p를 계산했습니다. 손실은 −log p입니다.",
                en="you computed 1/p; the loss is −log p.",
            ),
        ),
        Mistake(
            "log10",
            answer_near(np.log10(N_CLASSES), rtol=0.01),
            T(
                ko="상용로그를 썼습니다. 교차 엔트로피는 자연로그입니다.",
                en="that is a base-10 log; cross-entropy uses the natural log.",
            ),
        ),
    ],
    hints=[
        T(
            ko="손실은 정답 클래스의 확률 p에 대한 −log p입니다. 고르게 나누면 p는 얼마일까요?",
            en="The loss is −log p for the true class's probability p. What is p when all "
            "classes get the same share?",
        ),
    ],
    solution="""
        untrained_loss = np.log(100)
    """,
    explanation=T(
        ko="−log(1/100) = log 100 ≈ 4.605입니다. 클래스 수가 10배가 될 때마다 log 10 ≈ 2.303씩 "
        "늘어납니다. 학습 전 손실이 log(클래스 수)에서 멀리 떨어져 있다면 초기화를 의심해 보세요.",
        en="−log(1/100) = log 100 ≈ 4.605: every tenfold in the number of classes adds "
        "log 10 ≈ 2.303. A loss before training far from log(number of classes) points at the "
        "initialization.",
    ),
)

EXERCISES = (q1, q2, q3)
