"""Exercises for the page "Softmax and cross-entropy": both by hand, stable, and their gradient."""

from __future__ import annotations

import numpy as np

from .. import activations, losses
from ._attempt import Case, Raised
from ._kinds import ArrayExercise, FunctionExercise
from ._mistakes import Mistake, answer_is, behaves_like, nonfinite_on, scaled_by, when
from ._text import Text as T

PAGE = "softmax-cross-entropy"
P_EXAMPLE = np.array([[0.7, 0.2, 0.1]])  # softmax of one sample's logits
Y_EXAMPLE = np.array([[1.0, 0.0, 0.0]])  # its one-hot target: class 0


def _normalised(e, axis):
    return e / e.sum(axis=axis, keepdims=True)


def _raised_broadcast(attempt) -> bool:
    return any(isinstance(out, Raised) and "broadcast" in str(out.error) for out in attempt.outputs)


q1 = FunctionExercise(
    PAGE,
    1,
    name="softmax",
    title=T(ko="안정적인 소프트맥스", en="A stable softmax"),
    task=T(
        ko="`softmax(z)`를 완성하세요. z는 (n, k) 로짓이고, 행(샘플)마다 소프트맥스를 계산해 같은 "
        "모양의 확률을 돌려줍니다. 로짓이 ±1000이어도 NaN이 나오지 않아야 하고, z는 바꾸지 않습니다.",
        en="Complete `softmax(z)`: z holds (n, k) logits; compute softmax row by row (one row per "
        "sample) and return probabilities of the same shape. Logits of ±1000 must not give NaN, "
        "and z must stay unchanged.",
    ),
    reference=activations.softmax,
    cases=[
        Case((np.array([[2.0, 1.0, 0.1], [0.0, 0.0, 0.0]]),), "z = [[2, 1, 0.1], [0, 0, 0]]"),
        Case(
            (np.array([[1000.0, 999.0, 998.0], [-1000.0, -999.0, -998.0]]),),
            "z = [[1000, 999, 998], [-1000, -999, -998]]",
        ),
        Case((np.array([[1.0, 2.0], [3.0, 5.0], [0.5, 0.5]]),), "z = [[1, 2], [3, 5], [0.5, 0.5]]"),
    ],
    mistakes=[
        Mistake(
            "global_max",
            behaves_like(lambda z: _normalised(np.exp(z - z.max()), axis=1)),
            T(
                ko="[−1000, −999, −998] 행이 NaN이 됩니다. 배열 전체의 최댓값을 뺐기 때문에 그 행의 "
                "지수가 모두 0으로 사라졌습니다(언더플로). 행마다 그 행의 최댓값을 빼세요.",
                en="the row [−1000, −999, −998] comes out as NaN: you subtracted the largest "
                "entry of the whole array, so all of that row's exponentials underflow to 0. "
                "Subtract each row's own maximum.",
            ),
        ),
        Mistake(
            "no_stabilisation",
            nonfinite_on([1]),
            T(
                ko="z = 1000에서 넘칩니다(overflow). e^1000은 무한대이고, 무한대 나누기 무한대는 "
                "NaN입니다. 먼저 행마다 최댓값을 빼세요. 소프트맥스의 값은 바뀌지 않습니다.",
                en="overflows at z = 1000: e^1000 is infinite, and infinity divided by infinity "
                "is NaN. Subtract the row maximum first; softmax does not change.",
            ),
        ),
        Mistake(
            "columns",
            behaves_like(lambda z: _normalised(np.exp(z - z.max(axis=0, keepdims=True)), axis=0)),
            T(
                ko="행이 아니라 열의 합이 1입니다. 행 하나가 샘플 하나이므로 axis=1을 따라 더하세요.",
                en="your columns sum to 1, not your rows: each row is one sample, so sum along "
                "axis=1.",
            ),
        ),
        Mistake(
            "whole_array",
            behaves_like(lambda z: (e := np.exp(z - z.max(axis=1, keepdims=True))) / e.sum()),
            T(
                ko="배열 전체의 합이 1입니다. 샘플(행)마다 합이 1이어야 합니다.",
                en="your whole array sums to 1; each sample (row) must.",
            ),
        ),
        Mistake(
            "lost_axis",
            when(_raised_broadcast),
            T(
                ko="`sum(axis=1)`의 결과는 (n,) 모양이라서 (n, k)와 맞춰지지 않습니다. 더한 축을 남겨 "
                "(keepdims) 각 행이 자기 합으로 나뉘게 하세요.",
                en="`sum(axis=1)` has shape (n,), which does not line up with (n, k): keep the "
                "summed axis (keepdims) so that each row is divided by its own sum.",
            ),
        ),
    ],
    hints=[
        T(
            ko="행마다 최댓값을 빼도 소프트맥스는 그대로입니다(e^(−c)가 분자와 분모에서 약분됩니다). "
            "그러면 가장 큰 지수가 e⁰ = 1이 됩니다.",
            en="Subtracting each row's maximum leaves softmax unchanged (e^(−c) cancels between "
            "numerator and denominator), and the largest exponential becomes e⁰ = 1.",
        ),
        T(
            ko="`z.max(axis=1, keepdims=True)`를 빼고 `np.exp`를 적용한 다음, 같은 방식으로 행의 "
            "합으로 나누세요. `z -= ...`처럼 z를 제자리에서 바꾸지 마세요.",
            en="Subtract `z.max(axis=1, keepdims=True)`, apply `np.exp`, then divide by the row "
            "sums taken the same way. Do not change z in place (`z -= ...`).",
        ),
    ],
    solution="""
        def softmax(z):
            e = np.exp(z - z.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
    """,
    explanation=T(
        ko="최댓값을 빼면 지수는 모두 (0, 1]에 들어가므로 넘치지 않습니다. `keepdims=True`는 (n, 1) "
        "모양을 남겨 각 행을 그 행의 값으로 빼고 나누게 합니다. `activations.softmax`도 같습니다.",
        en="After subtracting the maximum every exponential lies in (0, 1], so nothing "
        "overflows. `keepdims=True` keeps the shape (n, 1), so each row is shifted and divided "
        "by its own value. `activations.softmax` does the same.",
    ),
)


def _log_p(p, y):
    return np.log(np.clip(p, losses.EPSILON, 1.0))


q2 = FunctionExercise(
    PAGE,
    2,
    name="cross_entropy",
    title=T(ko="교차 엔트로피", en="Cross-entropy"),
    task=T(
        ko="`cross_entropy(p, y)`를 완성하세요. p는 (n, k) 확률, y는 같은 모양의 원-핫 정답입니다. "
        "샘플에 대해 평균한 −Σ y log p를 숫자 하나로 돌려줍니다. p = 0이어도 유한한 값이 나오도록 "
        "`losses.cross_entropy`처럼 p를 [1e-7, 1]로 자르세요.",
        en="Complete `cross_entropy(p, y)`: p holds (n, k) probabilities, y the one-hot targets of "
        "the same shape. Return −Σ y log p averaged over the samples, as one number. To stay "
        "finite at p = 0, clip p to [1e-7, 1] as `losses.cross_entropy` does.",
    ),
    reference=losses.cross_entropy,
    cases=[
        Case(
            (np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]]), np.array([[1.0, 0, 0], [0, 1.0, 0]])),
            "p = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]], classes 0 and 1",
        ),
        Case(
            (
                np.array([[0.0, 1.0], [0.5, 0.5], [0.9, 0.1]]),
                np.array([[1.0, 0], [1.0, 0], [0, 1.0]]),
            ),
            "p = [[0, 1], [0.5, 0.5], [0.9, 0.1]], classes 0, 0 and 1",
        ),
    ],
    mistakes=[
        Mistake(
            "sign",
            scaled_by(-1),
            T(
                ko="손실이 음수입니다. 확률의 log는 0 이하이므로 손실은 그 합에 −를 붙인 값입니다.",
                en="your loss is negative: the log of a probability is at most 0, so the loss is "
                "minus their sum.",
            ),
        ),
        Mistake(
            "missing_mean",
            scaled_by(lambda case: case.args[0].shape[0]),
            T(
                ko="손실이 n배(샘플 수만큼) 큽니다. 샘플에 대해 평균을 내세요(n으로 나누기).",
                en="your loss is n times too large (n, the number of samples): average over the "
                "samples (divide by n).",
            ),
        ),
        Mistake(
            "mean_of_entries",
            scaled_by(lambda case: 1 / case.args[0].shape[1]),
            T(
                ko="n × k개의 원소 전체에 대해 평균을 냈습니다. 클래스에 대해서는 더하고, 샘플에 "
                "대해서만 평균을 냅니다.",
                en="you averaged over all n × k entries: sum over the classes, average over the "
                "samples only.",
            ),
        ),
        Mistake(
            "no_clip",
            nonfinite_on([1]),
            T(
                ko="p = 0에서 무한대입니다. log 0 = −∞입니다. log를 취하기 전에 p를 [1e-7, 1]로 자르세요.",
                en="infinite at p = 0, where log 0 = −∞: clip p to [1e-7, 1] before taking the log.",
            ),
        ),
        Mistake(
            "log10",
            scaled_by(1 / np.log(10)),
            T(
                ko="log10을 썼습니다. 교차 엔트로피는 자연로그(np.log)를 씁니다.",
                en="you used log10; cross-entropy uses the natural log (np.log).",
            ),
        ),
    ],
    hints=[
        T(
            ko="원-핫 y를 곱하면 정답 클래스의 log p만 남습니다. 그것을 모두 더해 −를 붙이고 n으로 "
            "나눕니다.",
            en="Multiplying by the one-hot y keeps only the log p of each true class; add those "
            "up, negate, and divide by n.",
        ),
        T(
            ko="`np.clip(p, 1e-7, 1.0)`으로 자른 다음 `np.log`를 쓰고, `p.shape[0]`으로 나누세요.",
            en="Clip with `np.clip(p, 1e-7, 1.0)`, take `np.log`, and divide by `p.shape[0]`.",
        ),
    ],
    solution="""
        def cross_entropy(p, y):
            p = np.clip(p, 1e-7, 1.0)
            return -np.sum(y * np.log(p)) / p.shape[0]
    """,
    explanation=T(
        ko="자르는 값 1e-7은 Keras와 같습니다. p = 0인 정답 클래스는 −log(1e-7) ≈ 16.1이라는 크지만 "
        "유한한 손실을 줍니다.",
        en="The clip value 1e-7 is Keras' own. A true class with p = 0 then costs "
        "−log(1e-7) ≈ 16.1, a large but finite loss.",
    ),
)

q3 = ArrayExercise(
    PAGE,
    3,
    name="prediction",
    title=T(ko="로짓에 대한 기울기", en="The gradient with respect to the logits"),
    task=T(
        ko="샘플 하나의 소프트맥스 출력이 p = [0.7, 0.2, 0.1]이고 정답이 클래스 0입니다. 교차 "
        "엔트로피를 로짓 z로 미분한 ∂L/∂z는 무엇일까요? 숫자 세 개의 1차원 배열로 예측하세요.",
        en="One sample's softmax output is p = [0.7, 0.2, 0.1] and its true class is 0. What is "
        "∂L/∂z, the gradient of the cross-entropy with respect to the logits z? Predict it as a "
        "1-D array of three numbers.",
    ),
    expected=lambda: losses.softmax_cross_entropy_gradient(P_EXAMPLE, Y_EXAMPLE)[0],
    mistakes=[
        Mistake(
            "sign",
            answer_is(lambda: (Y_EXAMPLE - P_EXAMPLE)[0]),
            T(
                ko="부호가 반대입니다. 경사 하강은 기울기의 반대로 가므로, 정답 클래스의 로짓이 "
                "올라가려면 그 기울기는 음수여야 합니다.",
                en="the sign is flipped: gradient descent moves against the gradient, so for the "
                "true class's logit to rise, its gradient must be negative.",
            ),
        ),
        Mistake(
            "the_probabilities",
            answer_is(P_EXAMPLE[0]),
            T(
                ko="그것은 p 자체입니다. 원-핫 정답을 빼야 합니다.",
                en="that is p itself; the one-hot target must be subtracted.",
            ),
        ),
        Mistake(
            "gradient_of_p",
            answer_is(lambda: losses.cross_entropy_gradient(P_EXAMPLE, Y_EXAMPLE)[0]),
            T(
                ko="그것은 p에 대한 기울기 ∂L/∂p = −y/p입니다. 소프트맥스를 거쳐 z로 가면 1/p가 "
                "약분됩니다.",
                en="that is the gradient with respect to p, ∂L/∂p = −y/p; going on through "
                "softmax to z, the 1/p cancels.",
            ),
        ),
    ],
    hints=[
        T(
            ko="이 페이지의 '융합된 기울기'를 떠올리세요. 소프트맥스 다음의 교차 엔트로피는 아주 간단한 "
            "식이 됩니다.",
            en="Recall this page's fused gradient: cross-entropy after softmax collapses into a "
            "very simple expression.",
        ),
    ],
    solution="""
        prediction = np.array([-0.3, 0.2, 0.1])
    """,
    explanation=T(
        ko="∂L/∂z = p − y = [0.7 − 1, 0.2, 0.1]입니다. 정답 클래스의 기울기만 음수이므로, 경사 "
        "하강은 그 로짓을 올리고 나머지를 내립니다.",
        en="∂L/∂z = p − y = [0.7 − 1, 0.2, 0.1]. Only the true class has a negative gradient, so "
        "gradient descent raises its logit and lowers the others.",
    ),
)

EXERCISES = (q1, q2, q3)
