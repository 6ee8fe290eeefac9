"""Exercises for the page "Activation functions": the slopes backpropagation multiplies by."""

from __future__ import annotations

import numpy as np

from .. import activations
from ._attempt import Case
from ._kinds import FunctionExercise, ValueExercise
from ._mistakes import Mistake, answer_is, behaves_like, nonfinite_on, when
from ._text import Text as T

PAGE = "activations"
CONTEXT = {"activations": activations}


def _floats(function):
    return lambda z: function(z).astype(np.float64)


q1 = FunctionExercise(
    PAGE,
    1,
    name="sigmoid_derivative",
    title=T(ko="시그모이드의 도함수", en="The derivative of sigmoid"),
    task=T(
        ko="`sigmoid_derivative(z)`를 완성하세요. z의 모든 원소에서 σ′(z)를 계산하고, z와 같은 "
        "모양의 배열을 돌려줍니다. z = ±1000에서도 유한한 값이어야 합니다.",
        en="Complete `sigmoid_derivative(z)`: σ′(z) for every entry of z, an array of the same "
        "shape. It must stay finite at z = ±1000.",
    ),
    reference=activations.sigmoid_derivative,
    cases=[
        Case((np.array([-2.0, 0.0, 3.0]),), "z = [-2, 0, 3]"),
        Case((np.array([[-1000.0, 1000.0], [0.5, -0.5]]),), "z = [[-1000, 1000], [0.5, -0.5]]"),
    ],
    mistakes=[
        Mistake(
            "formula_of_the_output",
            behaves_like(lambda z: z * (1 - z)),
            T(
                ko="a(1 − a) 공식을 z에 그대로 썼습니다. 이 공식은 출력 a = σ(z)를 받습니다. "
                "σ(z)를 먼저 계산하세요.",
                en="you applied the formula a(1 − a) to z itself. It takes the output a = σ(z): "
                "compute σ(z) first.",
            ),
        ),
        Mistake(
            "sign",
            behaves_like(lambda z: -activations.sigmoid_derivative(z)),
            T(
                ko="부호가 반대입니다. 시그모이드는 어디서나 증가하므로 기울기는 양수입니다.",
                en="the sign is flipped: sigmoid rises everywhere, so its slope is positive.",
            ),
        ),
        Mistake(
            "the_function_itself",
            behaves_like(activations.sigmoid),
            T(
                ko="σ(z) 자체를 돌려줍니다. 구해야 하는 것은 그 기울기 σ′(z)입니다.",
                en="you return σ(z) itself, not its slope σ′(z).",
            ),
        ),
        Mistake(
            "tanh_rule",
            behaves_like(lambda z: 1 - activations.sigmoid(z) ** 2),
            T(
                ko="1 − f(z)²은 tanh의 도함수입니다. 시그모이드의 도함수는 다른 모양입니다.",
                en="1 − f(z)² is the derivative of tanh; sigmoid's has another form.",
            ),
        ),
        Mistake(
            "overflow",
            nonfinite_on([1]),
            T(
                ko="z = ±1000에서 NaN이나 무한대가 나옵니다. e^(−z)가 넘쳐(overflow) inf/inf가 "
                "됩니다. 넘치지 않게 계산하는 `dlbasics.activations`의 시그모이드를 쓰세요.",
                en="NaN or infinity at z = ±1000: e^(−z) overflows and gives inf/inf. Use the "
                "sigmoid of `dlbasics.activations`, which never overflows.",
            ),
        ),
    ],
    hints=[
        T(
            ko="σ′(z)는 σ(z)만으로 쓸 수 있습니다. 이 페이지 앞부분에 식이 있습니다.",
            en="σ′(z) can be written with σ(z) alone; this page gives the formula near its top.",
        ),
        T(
            ko="`s = activations.sigmoid(z)`를 먼저 구한 다음, s와 1 − s를 곱하세요.",
            en="Compute `s = activations.sigmoid(z)` first, then multiply s by 1 − s.",
        ),
    ],
    solution="""
        def sigmoid_derivative(z):
            s = activations.sigmoid(z)
            return s * (1 - s)
    """,
    explanation=T(
        ko="σ′(z) = σ(z)(1 − σ(z))입니다. `activations.sigmoid`는 e^(−|z|)로 계산하므로 z = ±1000"
        "에서도 넘치지 않습니다. 1 / (1 + e^(−z))를 식 그대로 쓰면 z = −1000에서 e^1000이 넘칩니다.",
        en="σ′(z) = σ(z)(1 − σ(z)). `activations.sigmoid` works with e^(−|z|), so z = ±1000 does "
        "not overflow; the literal 1 / (1 + e^(−z)) overflows at z = −1000, where e^1000 is too "
        "large for a float.",
    ),
    context=CONTEXT,
)

q2 = FunctionExercise(
    PAGE,
    2,
    name="relu_derivative",
    title=T(ko="ReLU의 도함수", en="The derivative of ReLU"),
    task=T(
        ko="`relu_derivative(z)`를 완성하세요. z와 같은 모양의 실수(float) 배열을 돌려줍니다. "
        "이 페이지의 약속대로 ReLU′(0) = 0입니다.",
        en="Complete `relu_derivative(z)`: a float array of the shape of z. As on this page, "
        "ReLU′(0) = 0.",
    ),
    reference=activations.relu_derivative,
    cases=[
        Case((np.array([-2.0, -1e-9, 0.0, 1e-9, 3.0]),), "z = [-2, -1e-9, 0, 1e-9, 3]"),
        Case((np.array([[5.0, -5.0], [0.0, 2.0]]),), "z = [[5, -5], [0, 2]]"),
    ],
    mistakes=[
        Mistake(
            "kink",
            behaves_like(_floats(lambda z: z >= 0)),
            T(
                ko="z = 0에서만 틀립니다. 꺾이는 점 z = 0에서는 이 페이지(그리고 TensorFlow와 "
                "PyTorch)의 약속대로 ReLU′(0) = 0입니다.",
                en="right everywhere except at z = 0: at the kink, the convention of this page "
                "(and of TensorFlow and PyTorch) is ReLU′(0) = 0.",
            ),
        ),
        Mistake(
            "the_function_itself",
            behaves_like(activations.relu),
            T(
                ko="ReLU(z) 자체를 돌려줍니다. 구해야 하는 것은 그 기울기입니다.",
                en="you return ReLU(z) itself, not its slope.",
            ),
        ),
        Mistake(
            "sign",
            behaves_like(_floats(lambda z: z < 0)),
            T(
                ko="거꾸로입니다. z < 0에서 ReLU는 평평하고(기울기 0), z > 0에서는 기울기 1인 "
                "직선입니다.",
                en="the other way round: for z < 0 ReLU is flat (slope 0), for z > 0 it is a line "
                "of slope 1.",
            ),
        ),
        Mistake(
            "booleans",
            when(
                lambda attempt: all(
                    getattr(got, "dtype", None) == np.bool_ and np.array_equal(got, want)
                    for got, want in zip(attempt.outputs, attempt.expected, strict=True)
                )
            ),
            T(
                ko="기울기가 True/False(dtype bool)입니다. 역전파는 이 값을 곱하므로 실수 배열로 "
                "돌려주세요.",
                en="your slopes are True/False (dtype bool). Backpropagation multiplies by them: "
                "return a float array.",
            ),
        ),
    ],
    hints=[
        T(
            ko="ReLU는 z < 0에서 평평하고 z > 0에서 기울기 1인 직선입니다. z = 0은 따로 생각하세요.",
            en="ReLU is flat for z < 0 and a line of slope 1 for z > 0. Think about z = 0 "
            "separately.",
        ),
        T(
            ko="`z > 0` 비교로 True/False 배열을 만들고 `.astype(float)`로 실수로 바꾸세요.",
            en="Compare `z > 0` for a True/False array, then turn it into floats with "
            "`.astype(float)`.",
        ),
    ],
    solution="""
        def relu_derivative(z):
            return (np.asarray(z) > 0).astype(float)
    """,
    explanation=T(
        ko="z > 0이면 1, 아니면 0입니다. `>`는 z = 0을 0 쪽에 넣으므로 ReLU′(0) = 0이 됩니다.",
        en="1 where z > 0, else 0. `>` puts z = 0 on the 0 side, which gives ReLU′(0) = 0.",
    ),
    context=CONTEXT,
)


def _steeper_at_2() -> str:
    sigmoid_slope = float(activations.sigmoid_derivative(2.0))
    tanh_slope = float(activations.tanh_derivative(2.0))
    return "sigmoid" if sigmoid_slope > tanh_slope else "tanh"


q3 = ValueExercise(
    PAGE,
    3,
    name="prediction",
    title=T(ko="z = 2에서 더 가파른 쪽", en="Steeper at z = 2"),
    task=T(
        ko="z = 0에서는 tanh의 기울기(1)가 시그모이드의 기울기(0.25)의 네 배입니다. z = 2에서는 "
        "어느 쪽의 기울기가 더 클까요? 먼저 예측해서 `'sigmoid'`나 `'tanh'`를 넣고, 그다음 셀로 "
        "확인하세요.",
        en="At z = 0 the slope of tanh (1) is four times that of sigmoid (0.25). Which slope is "
        "larger at z = 2? Predict first, `'sigmoid'` or `'tanh'`, then verify with the cell "
        "after it.",
    ),
    expected=_steeper_at_2,
    answer_type="text",
    mistakes=[
        Mistake(
            "not_a_choice",
            when(lambda attempt: attempt.answer not in ("sigmoid", "tanh")),
            T(
                ko="문제에 나온 두 함수 이름 중 하나로 답하세요.",
                en="answer with one of the two function names in the task.",
            ),
        ),
        Mistake(
            "steeper_at_zero",
            answer_is(lambda: "tanh" if _steeper_at_2() == "sigmoid" else "sigmoid"),
            T(
                ko="z = 0에서 더 가파른 쪽이 z = 2에서도 더 가파르지는 않습니다. 더 가파르게 "
                "올라가는 함수는 더 일찍 포화합니다. 위 표의 z = 2 행을 보세요.",
                en="steeper at z = 0 does not mean steeper at z = 2: the function that rises "
                "faster also saturates sooner. Look at the row z = 2 of the table above.",
            ),
        ),
    ],
    hints=[
        T(
            ko="tanh는 (−1, 1)로, 시그모이드는 (0, 1)로 눌러 담습니다. 어느 쪽이 더 빨리 평평해질까요?",
            en="tanh squashes into (−1, 1), sigmoid into (0, 1). Which one flattens out sooner?",
        ),
    ],
    solution="""
        prediction = "sigmoid"
    """,
    explanation=T(
        ko="σ′(2) ≈ 0.105, tanh′(2) ≈ 0.071입니다. tanh(z) = 2σ(2z) − 1이라서 tanh는 시그모이드를 "
        "가로로 두 배 압축한 모양이고, 그만큼 일찍 포화합니다.",
        en="σ′(2) ≈ 0.105 and tanh′(2) ≈ 0.071. Since tanh(z) = 2σ(2z) − 1, tanh is sigmoid "
        "squeezed to half its width, so it saturates twice as early.",
    ),
    context=CONTEXT,
)

EXERCISES = (q1, q2, q3)
