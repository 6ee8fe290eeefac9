"""Exercises for the page "Gradient descent": one step by hand, and where the learning rate breaks."""

from __future__ import annotations

import numpy as np

from .. import linear_regression
from ._attempt import Case
from ._kinds import FunctionExercise, Question, ValueExercise
from ._mistakes import Mistake, answer_is, behaves_like, when
from ._text import Text as T

PAGE = "gradient-descent"
CONTEXT = {"linear_regression": linear_regression}
DATA = {"n_samples": 50, "W": 2.0, "b": 1.0, "noise": 0.5, "seed": 0}  # the page's data
LEARNING_RATES = (0.05, 0.1, 0.15, 0.25)
N_STEPS = 300


def _step(x, y, W, b, learning_rate):
    """One step of linear_regression.fit, from (W, b)."""
    run = linear_regression.fit(x, y, learning_rate=learning_rate, n_steps=1, W_init=W, b_init=b)
    return float(run.final_W[0]), float(run.final_b)


def _variant(x, y, W, b, learning_rate, *, sign=1.0, factor=2.0, mean=True, with_x=True):
    """A step with one thing changed: the direction, the factor 2, the 1/m, the x in dW."""
    error = W * x + b - y
    average = np.mean if mean else np.sum
    dW = factor * average(error * x if with_x else error)
    db = factor * average(error)
    return W - sign * learning_rate * dW, b - sign * learning_rate * db


def _one_after_the_other(x, y, W, b, learning_rate):
    """W is updated first, and db is computed with the new W."""
    W_new = W - learning_rate * 2 * np.mean((W * x + b - y) * x)
    return W_new, b - learning_rate * 2 * np.mean(W_new * x + b - y)


def _cases():
    x, y = linear_regression.make_data(n_samples=10, seed=3)
    x2, y2 = linear_regression.make_data(n_samples=8, W=-1.0, b=2.0, seed=4)
    return [
        Case((x, y, 0.0, 0.0, 0.05), "make_data(n_samples=10, seed=3), W = b = 0, α = 0.05"),
        Case(
            (x2, y2, 1.5, -0.5, 0.01),
            "make_data(8, W=-1, b=2, seed=4), W = 1.5, b = -0.5, α = 0.01",
        ),
    ]


q1 = FunctionExercise(
    PAGE,
    1,
    name="gradient_step",
    title=T(ko="경사 하강 한 걸음", en="One step of gradient descent"),
    task=T(
        ko="`gradient_step(x, y, W, b, learning_rate)`를 완성하세요. 현재 (W, b)에서 비용의 기울기 "
        "∂cost/∂W, ∂cost/∂b를 구하고, 한 걸음 내려간 뒤의 `(W_new, b_new)`를 돌려줍니다.",
        en="Complete `gradient_step(x, y, W, b, learning_rate)`: compute the cost's derivatives "
        "∂cost/∂W and ∂cost/∂b at (W, b), take one step downhill, and return `(W_new, b_new)`.",
    ),
    reference=_step,
    cases=_cases(),
    names=("W_new", "b_new"),
    mistakes=[
        Mistake(
            "uphill",
            behaves_like(lambda *args: _variant(*args, sign=-1.0)),
            T(
                ko="오르막으로 갔습니다. 기울기는 비용이 가장 빨리 커지는 쪽을 가리키므로, 학습률 곱하기 "
                "기울기를 빼야 합니다.",
                en="you stepped uphill: the gradient points where the cost grows fastest, so "
                "subtract learning rate times gradient.",
            ),
        ),
        Mistake(
            "missing_two",
            behaves_like(lambda *args: _variant(*args, factor=1.0)),
            T(
                ko="걸음이 절반입니다. 제곱을 미분하면 2가 앞으로 나옵니다.",
                en="your step is half as long as it should be: differentiating the square brings "
                "down a factor 2.",
            ),
        ),
        Mistake(
            "missing_mean",
            behaves_like(lambda *args: _variant(*args, mean=False)),
            T(
                ko="걸음이 m배(샘플 수만큼) 큽니다. 비용이 샘플에 대한 평균이므로 기울기도 평균입니다.",
                en="your step is m times too long (m, the number of samples): the cost is an "
                "average over the samples, and so are its derivatives.",
            ),
        ),
        Mistake(
            "missing_x",
            behaves_like(lambda *args: _variant(*args, with_x=False), part=0),
            T(
                ko="W의 기울기에 x⁽ⁱ⁾가 빠졌습니다. 연쇄 법칙에서 Wx + b − y를 W로 미분하면 x입니다.",
                en="the factor x⁽ⁱ⁾ is missing from dW: by the chain rule, the derivative of "
                "Wx + b − y with respect to W is x.",
            ),
        ),
        Mistake(
            "one_after_the_other",
            behaves_like(_one_after_the_other),
            T(
                ko="W를 먼저 바꾼 다음 그 새 W로 b의 기울기를 구했습니다. 두 기울기를 모두 현재 (W, b)"
                "에서 구한 뒤에 둘을 함께 바꾸세요.",
                en="you updated W first and computed b's derivative with the new W. Compute both "
                "derivatives at the current (W, b) first, then update both.",
            ),
        ),
    ],
    hints=[
        T(
            ko="error = Wx + b − y를 모든 샘플에 대해 한 번에 계산하세요. 두 기울기 모두 2·error의 "
            "평균이고, W 쪽은 x가 곱해집니다.",
            en="Compute error = Wx + b − y for all samples at once. Both derivatives are averages "
            "of 2·error, the one for W weighted by x.",
        ),
        T(
            ko="dW = 2·mean(error·x), db = 2·mean(error)을 구한 다음 W − α·dW, b − α·db를 돌려주세요.",
            en="dW = 2·mean(error·x) and db = 2·mean(error); then return W − α·dW and b − α·db.",
        ),
    ],
    solution="""
        def gradient_step(x, y, W, b, learning_rate):
            error = W * x + b - y
            dW = 2 * np.mean(error * x)
            db = 2 * np.mean(error)
            return W - learning_rate * dW, b - learning_rate * db
    """,
    explanation=T(
        ko="`linear_regression.fit`이 걸음마다 하는 일이 바로 이것입니다. 두 기울기를 같은 (W, b)"
        "에서 구한 다음 둘을 함께 바꿉니다.",
        en="This is what `linear_regression.fit` does at every step: both derivatives are taken "
        "at the same (W, b), then both parameters move together.",
    ),
    context=CONTEXT,
)


def _grows(learning_rate: float) -> bool:
    """Whether N_STEPS of gradient descent end with a higher cost than they started from."""
    x, y = linear_regression.make_data(**DATA)
    run = linear_regression.fit(x, y, learning_rate=learning_rate, n_steps=N_STEPS)
    return run.diverged or run.cost[-1] > run.cost[0]


def _smallest_that_grows() -> float:
    return min(rate for rate in LEARNING_RATES if _grows(rate))


q2 = ValueExercise(
    PAGE,
    2,
    name="prediction",
    title=T(ko="어디서부터 발산할까?", en="Where does it start to diverge?"),
    task=T(
        ko="이 페이지에서 α = 0.05는 잘 내려가고 α = 0.25는 발산했습니다. 학습률 0.05, 0.1, 0.15, "
        "0.25 가운데 300걸음 뒤의 비용이 처음보다 커지는 가장 작은 학습률은 무엇일까요? 예측을 "
        "숫자로 넣으세요.",
        en="On this page α = 0.05 went down nicely and α = 0.25 diverged. Of the learning rates "
        "0.05, 0.1, 0.15 and 0.25, which is the smallest whose cost after 300 steps is higher "
        "than at the start? Enter your prediction as a number.",
    ),
    expected=_smallest_that_grows,
    answer_type="number",
    mistakes=[
        Mistake(
            "not_a_choice",
            when(lambda attempt: not any(np.isclose(attempt.answer, r) for r in LEARNING_RATES)),
            T(
                ko="문제에 나온 네 학습률 중 하나로 답하세요.",
                en="answer with one of the four learning rates in the task.",
            ),
        ),
        Mistake(
            "the_good_one",
            answer_is(LEARNING_RATES[0]),
            T(
                ko="α = 0.05는 이 페이지에서 바닥까지 잘 내려간 학습률입니다.",
                en="α = 0.05 is the rate that reached the bottom nicely on this page.",
            ),
        ),
        Mistake(
            "zigzag_still_converges",
            answer_is(LEARNING_RATES[1]),
            T(
                ko="α = 0.1에서는 골짜기를 가로질러 지그재그로 튀지만, 튈 때마다 조금씩 낮아져서 "
                "결국 내려갑니다.",
                en="at α = 0.1 the steps zig-zag across the valley, but each bounce lands a little "
                "lower, so the cost still goes down.",
            ),
        ),
        Mistake(
            "only_the_one_shown",
            answer_is(LEARNING_RATES[3]),
            T(
                ko="α = 0.25가 발산하는 것은 이 페이지에서 보았습니다. 목록에는 발산하는 더 작은 "
                "학습률이 있습니다.",
                en="that α = 0.25 diverges, the page showed; a smaller rate in the list diverges "
                "too.",
            ),
        ),
    ],
    hints=[
        T(
            ko="한 걸음이 골짜기 바닥을 지나쳐 반대편 더 높은 곳에 떨어지면 발산합니다. 골짜기의 "
            "가파른 방향이 한계를 정합니다.",
            en="It diverges when a step overshoots the valley floor and lands higher on the "
            "other side; the valley's steep direction sets the limit.",
        ),
    ],
    solution="""
        prediction = 0.15
    """,
    explanation=T(
        ko="이 데이터에서는 α가 약 0.10을 넘으면 걸음마다 바닥을 더 멀리 지나쳐 비용이 커집니다. "
        "α = 0.15는 300걸음 만에 비용이 10¹⁷⁶ 정도로 커집니다(α = 0.25는 float를 넘쳐 "
        "`diverged = True`). 한계는 비용 곡면의 가장 가파른 곡률 λ로 정해지며 α < 2/λ입니다.",
        en="On this data, beyond α ≈ 0.10 each step overshoots the floor by more than the last, "
        "and the cost grows: α = 0.15 reaches a cost near 10¹⁷⁶ in 300 steps (α = 0.25 overflows "
        "the float, `diverged = True`). The limit comes from the steepest curvature λ of the cost "
        "surface: α < 2/λ.",
    ),
    context=CONTEXT,
)

q3 = Question(
    PAGE,
    3,
    title=T(ko="입력의 크기를 바꾸면", en="If the inputs were smaller"),
    task=T(
        ko="x를 [0, 5) 대신 [0, 1) 범위로 줄이면 (W, b) 비용 곡면의 좁고 긴 골짜기는 어떻게 될까요? "
        "발산하지 않는 가장 큰 학습률은요?",
        en="If x ranged over [0, 1) instead of [0, 5), what would happen to the long, narrow "
        "valley of the cost over (W, b)? And to the largest learning rate that does not diverge?",
    ),
    hints=[
        T(
            ko="∂cost/∂W에는 x가 곱해지고 ∂cost/∂b에는 곱해지지 않습니다. x가 작아지면 W 방향의 "
            "경사는 어떻게 될까요?",
            en="∂cost/∂W carries a factor x and ∂cost/∂b does not. What happens to the slope in "
            "the W direction when x shrinks?",
        ),
    ],
    answer=T(
        ko="W 방향의 곡률이 x²에 비례해 줄어들어 골짜기가 덜 좁아집니다. 가장 가파른 방향이 덜 "
        "가파르므로 더 큰 학습률도 발산하지 않습니다(약 0.10에서 약 0.77로). 입력의 크기를 "
        "맞추면 학습이 쉬워집니다. MNIST 픽셀을 255로 나누는 이유 가운데 하나입니다.",
        en="The curvature in the W direction shrinks with x², so the valley gets less narrow. "
        "Its steepest direction is less steep, so larger learning rates stay stable (from about "
        "0.10 to about 0.77). Scaling the inputs makes learning easier: one reason the MNIST pages "
        "divide the pixels by 255.",
    ),
)

EXERCISES = (q1, q2, q3)
