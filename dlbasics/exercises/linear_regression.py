"""Exercises for the page "Linear regression": the cost function and what its value means."""

from __future__ import annotations

import numpy as np

from .. import linear_regression
from ._attempt import Case
from ._kinds import FunctionExercise, Question, ValueExercise
from ._mistakes import Mistake, answer_near, behaves_like, scaled_by, when
from ._text import Text as T

PAGE = "linear-regression"
CONTEXT = {"linear_regression": linear_regression}
# The page's data: y = 2x + 1 plus Gaussian noise of standard deviation 0.5.
DATA = {"n_samples": 50, "W": 2.0, "b": 1.0, "noise": 0.5, "seed": 0}


def _errors(x, y, W, b):
    return W * np.asarray(x) + b - np.asarray(y)  # H(x) - y, (n_samples,)


q1 = FunctionExercise(
    PAGE,
    1,
    name="cost",
    title=T(ko="비용 함수 직접 만들기", en="The cost function, by hand"),
    task=T(
        ko="`cost(x, y, W, b)`를 완성하세요. 가설 H(x) = Wx + b의 평균 제곱 오차, 곧 "
        "(1/m) Σ (H(x⁽ⁱ⁾) − y⁽ⁱ⁾)²을 숫자 하나로 돌려줍니다. x와 y는 길이 m인 배열, W와 b는 숫자입니다.",
        en="Complete `cost(x, y, W, b)`: the mean squared error of the hypothesis H(x) = Wx + b, "
        "(1/m) Σ (H(x⁽ⁱ⁾) − y⁽ⁱ⁾)², as one number. x and y are arrays of length m, W and b "
        "numbers.",
    ),
    reference=linear_regression.cost,
    cases=[
        Case(
            (np.array([0.0, 1.0, 2.0, 3.0, 4.0]), np.array([1.5, 2.0, 6.0, 6.5, 9.0]), 2.0, 1.0),
            "x = [0, 1, 2, 3, 4], y = [1.5, 2, 6, 6.5, 9], W = 2, b = 1",
        ),
        Case(
            (*linear_regression.make_data(n_samples=20, seed=1), 1.5, -0.5),
            "make_data(n_samples=20, seed=1), W = 1.5, b = -0.5",
        ),
    ],
    mistakes=[
        Mistake(
            "missing_mean",
            scaled_by(lambda case: len(case.args[0])),
            T(
                ko="비용이 m배(샘플 수만큼) 큽니다. 제곱 오차를 더하기만 하고 샘플 수로 나누지 "
                "않았습니다.",
                en="your cost is m times too large (m, the number of samples): you added up the "
                "squared errors without dividing by the number of samples.",
            ),
        ),
        Mistake(
            "half",
            scaled_by(0.5),
            T(
                ko="비용이 이 페이지 값의 절반입니다. 1/(2m)을 쓰는 책도 있지만 이 페이지는 1/m을 씁니다.",
                en="your cost is half of this page's: some books use 1/(2m), this page uses 1/m.",
            ),
        ),
        Mistake(
            "no_square",
            behaves_like(lambda x, y, W, b: np.mean(_errors(x, y, W, b))),
            T(
                ko="오차를 제곱하지 않았습니다. 부호가 다른 오차끼리 지워져서, 직선이 데이터 한가운데를 "
                "지나기만 하면 비용이 0에 가까워집니다.",
                en="the errors are not squared: errors of opposite sign cancel, so any line through "
                "the middle of the data would cost about 0.",
            ),
        ),
        Mistake(
            "absolute",
            behaves_like(lambda x, y, W, b: np.mean(np.abs(_errors(x, y, W, b)))),
            T(
                ko="평균 절대 오차를 계산했습니다. 이 페이지의 비용은 오차를 제곱해서 평균합니다.",
                en="that is the mean absolute error; this page's cost averages the squared errors.",
            ),
        ),
        Mistake(
            "root",
            behaves_like(lambda x, y, W, b: np.sqrt(np.mean(_errors(x, y, W, b) ** 2))),
            T(
                ko="제곱근을 씌웠습니다(RMSE). 비용은 제곱 오차의 평균 그 자체입니다.",
                en="you took the square root (the RMSE): the cost is the mean of the squares itself.",
            ),
        ),
        Mistake(
            "sign_of_b",
            behaves_like(lambda x, y, W, b: np.mean((W * np.asarray(x) - b - y) ** 2)),
            T(
                ko="b를 뺐습니다. 가설은 H(x) = Wx + b입니다.",
                en="you subtracted b: the hypothesis is H(x) = Wx + b.",
            ),
        ),
    ],
    hints=[
        T(
            ko="샘플마다 예측 Wx + b에서 정답 y를 빼고 제곱한 다음, 샘플에 대해 평균을 냅니다.",
            en="For every sample: the prediction Wx + b minus the target y, squared. Then the "
            "average over the samples.",
        ),
        T(
            ko="NumPy 배열이면 한 줄입니다. 오차 배열 `W * x + b - y`를 제곱하고 `np.mean`을 쓰세요.",
            en="With NumPy arrays it is one line: square the error array `W * x + b - y`, then "
            "take `np.mean`.",
        ),
    ],
    solution="""
        def cost(x, y, W, b):
            error = W * x + b - y
            return np.mean(error**2)
    """,
    explanation=T(
        ko="배열 연산이 모든 샘플의 오차를 한꺼번에 계산하고, `np.mean`이 합을 m으로 나눕니다.",
        en="The array expression computes every sample's error at once; `np.mean` divides the "
        "sum by m.",
    ),
    context=CONTEXT,
)


def _true_line_cost() -> float:
    x, y = linear_regression.make_data(**DATA)
    return linear_regression.cost(x, y, DATA["W"], DATA["b"])


q2 = ValueExercise(
    PAGE,
    2,
    name="prediction",
    title=T(ko="정답 직선의 비용", en="The cost of the true line"),
    task=T(
        ko="이 페이지의 데이터는 y = 2x + 1에 표준편차 0.5인 잡음을 더해 만들었습니다. 데이터를 "
        "만든 바로 그 직선, W = 2, b = 1의 비용은 대략 얼마일까요? 예측을 숫자로 넣으세요 "
        "(20% 안이면 정답입니다).",
        en="This page's data is y = 2x + 1 plus noise with a standard deviation of 0.5. What is, "
        "roughly, the cost of the very line that made the data, W = 2 and b = 1? Enter your "
        "prediction as a number (within 20% counts).",
    ),
    expected=_true_line_cost,
    answer_type="number",
    rtol=0.2,
    mistakes=[
        Mistake(
            "zero",
            when(lambda attempt: attempt.answer == 0),
            T(
                ko="0이 되려면 직선이 모든 점을 지나야 합니다. 잡음 때문에 점들은 정답 직선에서도 "
                "조금씩 떨어져 있습니다.",
                en="a cost of 0 would mean the line passes through every point; the noise keeps "
                "the points off even the true line.",
            ),
        ),
        Mistake(
            "negative",
            when(lambda attempt: attempt.answer < 0),
            T(
                ko="비용은 제곱의 평균이므로 음수가 될 수 없습니다.",
                en="the cost is a mean of squares: it is never negative.",
            ),
        ),
        Mistake(
            "standard_deviation",
            answer_near(DATA["noise"], rtol=0.05),
            T(
                ko="0.5는 점이 직선에서 떨어진 전형적인 거리(표준편차)입니다. 비용은 그 거리의 "
                "제곱을 평균합니다.",
                en="0.5 is how far a point typically lies from the line (the standard "
                "deviation); the cost averages the squares of those distances.",
            ),
        ),
        Mistake(
            "too_large",
            when(lambda attempt: attempt.answer > 1),
            T(
                ko="너무 큽니다. 잡음은 대부분 ±1 안에 있고, 1보다 작은 수를 제곱하면 더 작아집니다.",
                en="too large: most of the noise lies within ±1, and squaring a number below 1 "
                "makes it smaller.",
            ),
        ),
    ],
    hints=[
        T(
            ko="정답 직선에서 H(x) − y는 잡음 그 자체입니다. 비용은 잡음을 제곱한 값의 평균입니다.",
            en="For the true line, H(x) − y is exactly the noise, so the cost is the mean of the "
            "squared noise.",
        ),
        T(
            ko="평균이 0인 잡음의 제곱 평균은 분산, 곧 표준편차의 제곱입니다.",
            en="The mean square of zero-mean noise is its variance: the standard deviation "
            "squared.",
        ),
    ],
    solution="""
        prediction = 0.25
    """,
    explanation=T(
        ko="H(x) − y가 잡음이므로 비용은 잡음의 분산 0.5² = 0.25에 가깝습니다. 50개 샘플의 값은 "
        "약 0.254입니다. 어떤 직선도 잡음보다 더 잘 맞출 수는 없으므로, 학습한 직선의 비용도 이 "
        "근처에서 멈춥니다.",
        en="H(x) − y is the noise, so the cost is close to the noise's variance, 0.5² = 0.25 "
        "(about 0.254 for these 50 samples). No line fits better than the noise allows, so the "
        "fitted line's cost stops near there too.",
    ),
    context=CONTEXT,
)

q3 = Question(
    PAGE,
    3,
    title=T(ko="왜 절댓값이 아니라 제곱일까?", en="Why squares, not absolute values?"),
    task=T(
        ko="절댓값 |H(x) − y|도 부호를 없앱니다. 그런데 왜 비용 함수는 오차를 제곱할까요? 답을 "
        "열어 보기 전에 두 가지 이유를 생각해 보세요.",
        en="The absolute value |H(x) − y| removes the sign as well. Why does the cost square the "
        "errors instead? Think of two reasons before you open the answer.",
    ),
    hints=[
        T(
            ko="두 함수를 e = 0 근처에서 그려 보고, 그 기울기를 비교해 보세요.",
            en="Sketch both functions near e = 0 and compare their slopes.",
        ),
    ],
    answer=T(
        ko="첫째, e²는 매끄럽습니다. 기울기 2e가 어디서나 있고 최솟값에 가까워질수록 작아지므로 "
        "경사 하강법이 도착하면서 저절로 느려집니다. |e|는 0에서 꺾이고, 기울기가 늘 ±1입니다. "
        "둘째, 제곱은 큰 오차에 더 큰 벌을 줍니다. 또한 제곱 오차의 최솟값은 식으로 바로 풀 수 "
        "있습니다(최소 제곱법, `np.polyfit`). 대가도 있습니다. 멀리 떨어진 점 하나가 직선을 크게 "
        "끌어당깁니다.",
        en="First, e² is smooth: its slope 2e exists everywhere and shrinks near the minimum, so "
        "gradient descent slows down as it arrives; |e| has a kink at 0 and a slope of ±1 "
        "everywhere else. Second, squares punish large errors more, and the minimum of the "
        "squared error can be solved exactly (least squares, `np.polyfit`). The price: a single "
        "far-off point pulls the line a lot.",
    ),
)

EXERCISES = (q1, q2, q3)
