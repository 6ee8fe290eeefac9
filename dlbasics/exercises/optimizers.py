"""Exercises for the page "Optimizers": one step of Adam, momentum's top speed, and Adam's first
step after the bias correction.
"""

from __future__ import annotations

import numpy as np

from ..optimizers import SGD, Adam
from ._attempt import Case
from ._kinds import FunctionExercise, ValueExercise
from ._mistakes import Mistake, answer_near, behaves_like
from ._text import Text as T

PAGE = "optimizers"


def _adam(w, g, m, s, t, learning_rate, beta_1, beta_2, epsilon, *, corrected=True, root=True,
          old=False, uphill=False):  # fmt: skip
    """Keras' Adam for one array at step t (1, 2, ...): the new (w, m, s).

    The keywords make the typical wrong versions (tests check this against optimizers.Adam).
    """
    m_new = beta_1 * m + (1 - beta_1) * g
    s_new = beta_2 * s + (1 - beta_2) * g**2
    m_used, s_used = (m, s) if old else (m_new, s_new)
    rate = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) if corrected else learning_rate
    scale = np.sqrt(s_used) if root else s_used
    step = rate * m_used / (scale + epsilon)
    return (w + step if uphill else w - step), m_new, s_new


def _adam_case(seed, t, label):
    rng = np.random.default_rng(seed)
    w, g = rng.normal(size=4), rng.normal(size=4)
    m = 0.0 * g if t == 1 else 0.1 * rng.normal(size=4)
    s = 0.0 * g if t == 1 else 0.01 * rng.uniform(0.5, 1.5, size=4)
    return Case((w, g, m, s, t, 0.01, 0.9, 0.999, 1e-7), label)


q1 = FunctionExercise(
    PAGE,
    1,
    name="adam_step",
    title=T(ko="Adam 한 걸음", en="One step of Adam"),
    task=T(
        ko="`adam_step(w, g, m, s, t, learning_rate, beta_1, beta_2, epsilon)`을 완성하세요. 가중치 "
        "w, 기울기 g, 두 이동 평균 m과 s(모두 같은 모양의 배열), 이번 단계의 번호 t(1부터)로 이 "
        "페이지의 식대로 m과 s를 갱신하고, 편향 보정을 넣은 학습률로 w를 한 걸음 옮겨 "
        "`(w_new, m_new, s_new)`를 돌려줍니다. 입력 배열은 바꾸지 않습니다.",
        en="Complete `adam_step(w, g, m, s, t, learning_rate, beta_1, beta_2, epsilon)`: from the "
        "weights w, the gradient g, the two running means m and s (arrays of one shape) and the "
        "step's number t (from 1), update m and s by this page's formulas, move w one step with "
        "the bias-corrected learning rate, and return `(w_new, m_new, s_new)`. Leave the input "
        "arrays unchanged.",
    ),
    reference=_adam,
    cases=[
        _adam_case(0, 1, "t = 1, m = s = 0, w, g (4,), α = 0.01, β₁ = 0.9, β₂ = 0.999"),
        _adam_case(1, 10, "t = 10, m, s ≠ 0, w, g (4,), α = 0.01, β₁ = 0.9, β₂ = 0.999"),
    ],
    names=("w_new", "m_new", "s_new"),
    mistakes=[
        Mistake(
            "no_bias_correction",
            behaves_like(lambda *args: _adam(*args, corrected=False)),
            T(
                ko="편향 보정이 빠졌습니다. m과 s는 0에서 출발하므로, 학습률에 "
                "√(1 − β₂ᵗ) / (1 − β₁ᵗ)를 곱해 그만큼을 되돌려야 합니다.",
                en="the bias correction is missing: m and s start at 0, so the learning rate "
                "must be multiplied by √(1 − β₂ᵗ) / (1 − β₁ᵗ) to undo that.",
            ),
        ),
        Mistake(
            "no_root",
            behaves_like(lambda *args: _adam(*args, root=False)),
            T(
                ko="s로 그대로 나누었습니다. s는 기울기 제곱의 평균이므로 제곱근을 씌워야 기울기와 같은 "
                "단위가 됩니다.",
                en="you divided by s itself: s averages squared gradients, so take its square root "
                "to get back to the gradient's units.",
            ),
        ),
        Mistake(
            "old_means",
            behaves_like(lambda *args: _adam(*args, old=True)),
            T(
                ko="이전의 m과 s로 걸음을 계산했습니다. 먼저 이번 기울기로 둘을 갱신한 다음, 새 값으로 "
                "움직이세요.",
                en="you stepped with the old m and s: update both with this step's gradient first, "
                "then move with the new values.",
            ),
        ),
        Mistake(
            "uphill",
            behaves_like(lambda *args: _adam(*args, uphill=True)),
            T(
                ko="w가 기울기 쪽으로 움직였습니다. 기울기의 반대로, 곧 빼야 합니다.",
                en="w moved along the gradient: it must move against it, so subtract.",
            ),
        ),
    ],
    hints=[
        T(
            ko="세 줄입니다. m = β₁m + (1 − β₁)g, s = β₂s + (1 − β₂)g², 그리고 "
            "w − αₜ m / (√s + ε)입니다.",
            en="Three lines: m = β₁m + (1 − β₁)g, s = β₂s + (1 − β₂)g², then w − αₜ m / (√s + ε).",
        ),
        T(
            ko="αₜ = α √(1 − β₂ᵗ) / (1 − β₁ᵗ)입니다. `w -= ...`처럼 제자리에서 바꾸지 말고 새 배열을 "
            "만드세요.",
            en="αₜ = α √(1 − β₂ᵗ) / (1 − β₁ᵗ). Build new arrays rather than changing the inputs "
            "with `w -= ...`.",
        ),
    ],
    solution="""
        def adam_step(w, g, m, s, t, learning_rate, beta_1, beta_2, epsilon):
            m = beta_1 * m + (1 - beta_1) * g
            s = beta_2 * s + (1 - beta_2) * g**2
            rate = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
            return w - rate * m / (np.sqrt(s) + epsilon), m, s
    """,
    explanation=T(
        ko="`dlbasics.optimizers.Adam`과 Keras의 `Adam`이 계산하는 식 그대로입니다. 두 보정을 "
        "학습률 하나에 합쳤으므로 m과 s 자체는 보정하지 않은 값으로 남습니다.",
        en="The formula `dlbasics.optimizers.Adam` and Keras' `Adam` compute. Both corrections are "
        "folded into one learning rate, so m and s themselves stay uncorrected.",
    ),
)

BETA = 0.8  # the momentum of q2: not the page's 0.9


def _top_speed(n_steps: int = 200) -> float:
    """Momentum's step over plain SGD's, with the same gradient at every step, after n_steps."""
    w = np.zeros(1)
    optimizer = SGD(learning_rate=0.01, momentum=BETA)
    for _ in range(n_steps):
        before = w.copy()
        optimizer.step([w], [np.ones(1)])
    return float((before - w)[0] / 0.01)


q2 = ValueExercise(
    PAGE,
    2,
    name="prediction",
    title=T(ko="모멘텀의 최고 속도", en="Momentum's top speed"),
    task=T(
        ko="기울기가 걸음마다 늘 같다고 합시다. β = 0.8인 모멘텀으로 오래 가면, 한 걸음은 같은 "
        "학습률의 보통 SGD 걸음의 몇 배가 될까요? 먼저 예측하고, 그다음 셀로 확인하세요.",
        en="Say the gradient is the same at every step. After many steps of momentum with β = 0.8, "
        "how many times as long as a plain SGD step, with the same learning rate, is one step? "
        "Predict first, then verify with the cell after it.",
    ),
    expected=_top_speed,
    answer_type="number",
    rtol=0.01,
    mistakes=[
        Mistake(
            "beta_itself",
            answer_near(BETA, rtol=0.01),
            T(
                ko="β는 직전 속도 가운데 남는 몫입니다. 걸음마다 새 걸음이 더해지므로 속도는 1보다 "
                "커집니다.",
                en="β is the share of the last velocity that stays; a new step is added every time, "
                "so the velocity grows beyond 1.",
            ),
        ),
        Mistake(
            "one_step",
            answer_near(1 + BETA, rtol=0.01),
            T(
                ko="그것은 두 번째 걸음입니다. 세 번째부터도 직전 걸음의 β배가 계속 더해집니다.",
                en="that is the second step; from the third on, β times the last step keeps being "
                "added.",
            ),
        ),
    ],
    hints=[
        T(
            ko="속도가 더 이상 변하지 않을 때 v = βv − αg입니다. 이 식을 v에 대해 푸세요.",
            en="Once the velocity stops changing, v = βv − αg. Solve that for v.",
        ),
    ],
    solution="""
        prediction = 5
    """,
    explanation=T(
        ko="v = βv − αg를 풀면 v = −αg / (1 − β)이므로 1 / (1 − 0.8) = 5배입니다. β = 0.9이면 10배, "
        "β = 0.99이면 100배입니다.",
        en="Solving v = βv − αg gives v = −αg / (1 − β): 1 / (1 − 0.8) = 5 times. With β = 0.9 it "
        "is 10 times, with β = 0.99 a hundred.",
    ),
)

TINY_GRADIENT = 1e-3  # q3: a weight whose gradient is small
LEARNING_RATE = 0.01


def _first_adam_step() -> float:
    w = np.zeros(1)
    Adam(learning_rate=LEARNING_RATE).step([w], [np.full(1, TINY_GRADIENT)])
    return float(-w[0])


q3 = ValueExercise(
    PAGE,
    3,
    name="first_step",
    title=T(ko="Adam의 첫 걸음", en="Adam's first step"),
    task=T(
        ko="어떤 가중치의 기울기가 g = 0.001입니다. 학습률 α = 0.01, Keras의 기본값 β₁ = 0.9, "
        "β₂ = 0.999인 Adam의 첫 걸음(t = 1)은 가중치를 얼마나 움직일까요? (1% 안이면 정답)",
        en="A weight's gradient is g = 0.001. How far does the first step (t = 1) of Adam, with "
        "learning rate α = 0.01 and Keras' defaults β₁ = 0.9, β₂ = 0.999, move it? (Within 1% "
        "counts.)",
    ),
    expected=_first_adam_step,
    answer_type="number",
    rtol=0.01,
    mistakes=[
        Mistake(
            "plain_gradient_descent",
            answer_near(LEARNING_RATE * TINY_GRADIENT, rtol=0.01),
            T(
                ko="그것은 보통의 경사 하강법이 가는 거리 α·g입니다. Adam은 기울기를 그 크기로 "
                "나눕니다.",
                en="that is how far plain gradient descent would go, α·g; Adam divides the "
                "gradient by its own size.",
            ),
        ),
        Mistake(
            "uncorrected",
            answer_near(LEARNING_RATE * 0.1 / np.sqrt(0.001), rtol=0.01),
            T(
                ko="편향 보정 없이 계산했습니다. 첫 걸음에서 m = 0.1g, s = 0.001g²는 둘 다 0 쪽으로 "
                "치우쳐 있고, 보정이 이를 되돌립니다.",
                en="that leaves out the bias correction: after one step m = 0.1g and s = 0.001g² are "
                "both pulled towards 0, which the correction undoes.",
            ),
        ),
    ],
    hints=[
        T(
            ko="t = 1에서 보정한 m과 s는 정확히 g와 g²입니다. 그러면 m / √s는 얼마일까요?",
            en="At t = 1 the corrected m and s are exactly g and g². What is m / √s then?",
        ),
    ],
    solution="""
        first_step = 0.01
    """,
    explanation=T(
        ko="보정하면 m / (√s + ε) = g / (|g| + ε) ≈ 1이므로 첫 걸음은 α = 0.01입니다. 기울기가 "
        "0.001이든 1000이든 같습니다. 보통의 경사 하강법이라면 α·g = 0.00001만 움직였을 것입니다.",
        en="Corrected, m / (√s + ε) = g / (|g| + ε) ≈ 1, so the first step is α = 0.01, whether the "
        "gradient is 0.001 or 1000. Plain gradient descent would have moved α·g = 0.00001.",
    ),
)

EXERCISES = (q1, q2, q3)
