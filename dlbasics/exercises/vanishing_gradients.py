"""Exercises for the page "Vanishing gradients": He initialization, and 0.25 per sigmoid layer."""

from __future__ import annotations

import numpy as np

from .. import activations, mlp
from ._attempt import Case, call
from ._compare import Problem, as_numeric_array, difference
from ._kinds import FunctionExercise, Question, ValueExercise
from ._mistakes import Mistake, answer_near, when
from ._text import MESSAGES
from ._text import Text as T

PAGE = "vanishing-gradients"
CONTEXT = {"activations": activations}
STD_TOLERANCE = 0.03  # relative; the std of 100,000+ draws is within 0.5% of the true one


def _std_is(spread):
    """The output is an array whose standard deviation is ``spread(n_in, n_out)`` (within 3%)."""

    def detect(attempt) -> bool:
        for case, out in zip(attempt.cases, attempt.outputs, strict=True):
            array = as_numeric_array(out)
            if array is None or array.size < 2:
                return False
            n_in, n_out = case.args[0], case.args[1]
            if not np.isclose(np.std(array), spread(n_in, n_out), rtol=STD_TOLERANCE):
                return False
        return True

    return detect


def _ignores_rng(attempt) -> bool:
    """Generators in the same state give different weights, or differently seeded ones the same."""
    for case, out in zip(attempt.cases, attempt.outputs, strict=True):
        n_in, n_out, rng = case.args
        again, _ = call(attempt.function, case.args)
        other, _ = call(attempt.function, (n_in, n_out, np.random.default_rng(12345)))
        first, second, third = (as_numeric_array(v) for v in (out, again, other))
        if first is None or second is None or third is None:
            continue
        if first.shape == second.shape and not np.array_equal(first, second):
            return True
        if first.shape == third.shape and np.array_equal(first, third):
            return True
    return False


def _kurtosis(array) -> float:
    centred = array - array.mean()
    return float(np.mean(centred**4) / np.mean(centred**2) ** 2)


WRONG_SPREAD = T(
    ko="가중치의 퍼진 정도가 틀립니다. 표준편차가 {got}인데, He 초기화라면 {expected}입니다.",
    en="the spread of your weights is wrong: their standard deviation is {got} where He "
    "initialization gives {expected}.",
)
WRONG_MEAN = T(
    ko="가중치의 평균이 {got}입니다. He 초기화의 평균은 0입니다.",
    en="your weights have mean {got}; He initialization's mean is 0.",
)


def _statistics(got, expected, case) -> Problem | None:
    """Random weights: the shape and dtype exactly, the mean and spread statistically."""
    found = difference(got, expected, name=MESSAGES["your_result"], case=case.label)
    if found is None or found.key not in ("values",):
        return found
    array = np.asarray(got, dtype=np.float64)
    std, wanted = float(np.std(array)), float(np.std(expected))
    if abs(array.mean()) > 5 * wanted / np.sqrt(array.size):
        return Problem("mean", {"got": f"{array.mean():.3g}"}, WRONG_MEAN)
    if not np.isclose(std, wanted, rtol=STD_TOLERANCE):
        return Problem("spread", {"got": f"{std:.4f}", "expected": f"{wanted:.4f}"}, WRONG_SPREAD)
    return None


q1 = FunctionExercise(
    PAGE,
    1,
    name="he_normal",
    title=T(ko="He 초기화", en="He initialization"),
    task=T(
        ko="`he_normal(n_in, n_out, rng)`를 완성하세요. 평균 0, 분산 2/n_in인 정규분포에서 뽑은 "
        "(n_in, n_out) 가중치 행렬을 돌려줍니다. 난수는 인자로 받은 `rng`(numpy.random.Generator)"
        "에서 뽑아야 같은 시드로 같은 가중치가 나옵니다.",
        en="Complete `he_normal(n_in, n_out, rng)`: an (n_in, n_out) weight matrix drawn from a "
        "normal distribution with mean 0 and variance 2/n_in. Draw from the `rng` you are given "
        "(a numpy.random.Generator), so that the same seed gives the same weights.",
    ),
    reference=mlp.he_normal,
    cases=[
        Case((400, 300, np.random.default_rng(0)), "n_in = 400, n_out = 300"),
        Case((300, 500, np.random.default_rng(1)), "n_in = 300, n_out = 500"),
    ],
    compare=_statistics,
    always=[
        Mistake(
            "ignores_rng",
            when(_ignores_rng),
            T(
                ko="인자로 받은 `rng`를 쓰지 않습니다. 같은 상태의 생성기가 다른 가중치를 주거나, "
                "다른 생성기가 같은 가중치를 줍니다. `rng`에서 뽑아야 시드로 결과를 재현할 수 "
                "있습니다.",
                en="your function does not draw from the `rng` it is given: generators in the "
                "same state give different weights, or different generators the same ones. Draw "
                "from `rng`, so that a seed reproduces the weights.",
            ),
        ),
        Mistake(
            "uniform",
            when(
                lambda attempt: all(
                    (array := as_numeric_array(out)) is not None
                    and array.size > 1000
                    and _kurtosis(array.astype(np.float64)) < 2.4
                    for out in attempt.outputs
                )
            ),
            T(
                ko="가중치가 균등분포입니다. He 초기화는 정규분포에서 뽑습니다.",
                en="your weights are uniformly distributed; He initialization draws from a "
                "normal distribution.",
            ),
        ),
    ],
    mistakes=[
        Mistake(
            "variance_as_std",
            when(_std_is(lambda n_in, n_out: 2 / n_in)),
            T(
                ko="분산 2/n_in을 표준편차로 썼습니다. 표준편차는 분산의 제곱근입니다.",
                en="you used the variance 2/n_in as the standard deviation; the standard "
                "deviation is its square root.",
            ),
        ),
        Mistake(
            "glorot_variance",
            when(_std_is(lambda n_in, n_out: np.sqrt(2 / (n_in + n_out)))),
            T(
                ko="Glorot의 분산 2/(n_in + n_out)입니다. He 초기화는 유닛 하나가 더하는 입력의 수 "
                "n_in만 씁니다.",
                en="that is Glorot's variance 2/(n_in + n_out); He's uses only n_in, the number "
                "of inputs each unit adds up.",
            ),
        ),
        Mistake(
            "fan_out",
            when(_std_is(lambda n_in, n_out: np.sqrt(2 / n_out))),
            T(
                ko="n_out을 썼습니다. He 초기화의 분산은 유닛 하나의 입력 수 n_in으로 정합니다.",
                en="you used n_out: He's variance counts the inputs of a unit, n_in.",
            ),
        ),
    ],
    hints=[
        T(
            ko="분산이 2/n_in이면 표준편차는 √(2/n_in)입니다.",
            en="A variance of 2/n_in means a standard deviation of √(2/n_in).",
        ),
        T(
            ko="`rng.normal(평균, 표준편차, size=(n_in, n_out))`을 쓰세요.",
            en="Use `rng.normal(mean, standard_deviation, size=(n_in, n_out))`.",
        ),
    ],
    solution="""
        def he_normal(n_in, n_out, rng):
            return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
    """,
    explanation=T(
        ko="ReLU가 유닛의 절반을 0으로 만들어 신호를 반으로 줄이는 것을 분산의 2가 메웁니다. "
        "`dlbasics.mlp.he_normal`도 같은 한 줄입니다.",
        en="The 2 in the variance makes up for ReLU setting half the units to 0, which halves "
        "the signal. `dlbasics.mlp.he_normal` is the same line.",
    ),
    context=CONTEXT,
)


def _five_layers() -> float:
    largest_slope = float(activations.sigmoid_derivative(np.linspace(-10, 10, 2001)).max())
    return largest_slope**5


q2 = ValueExercise(
    PAGE,
    2,
    name="prediction",
    title=T(ko="시그모이드 층 다섯 개", en="Five sigmoid layers"),
    task=T(
        ko="가중치는 생각하지 않고 활성화 함수의 기울기만 보면, 시그모이드 층 다섯 개를 거꾸로 "
        "지나온 기울기에는 최대 얼마가 곱해질까요? 예측을 숫자로 넣으세요(1% 안이면 정답).",
        en="Leaving the weights aside and counting only the activation's slope: by at most what "
        "factor is a gradient multiplied after passing back through five sigmoid layers? Enter "
        "your prediction as a number (within 1% counts).",
    ),
    expected=_five_layers,
    answer_type="number",
    rtol=0.01,
    mistakes=[
        Mistake(
            "added",
            answer_near(0.25 * 5, rtol=0.01),
            T(
                ko="층마다의 인수를 더했습니다. 역전파는 층을 지날 때마다 곱합니다.",
                en="you added the factors; backpropagation multiplies by one per layer.",
            ),
        ),
        Mistake(
            "one_layer",
            answer_near(0.25, rtol=0.01),
            T(
                ko="그것은 층 하나의 최대 기울기입니다. 층이 다섯 개입니다.",
                en="that is the largest slope of one layer; there are five.",
            ),
        ),
        Mistake(
            "the_value",
            answer_near(0.5**5, rtol=0.01),
            T(
                ko="0.5는 σ(0), 곧 함수의 값입니다. 곱해지는 것은 기울기 σ′(z)입니다.",
                en="0.5 is σ(0), the function's value; what multiplies the gradient is the "
                "slope σ′(z).",
            ),
        ),
        Mistake(
            "no_shrinking",
            answer_near(1.0, rtol=0.01),
            T(
                ko="1은 ReLU나 z = 0에서 tanh의 기울기입니다. 시그모이드의 기울기는 훨씬 작습니다.",
                en="1 is the slope of ReLU, or of tanh at z = 0; sigmoid's is much smaller.",
            ),
        ),
    ],
    hints=[
        T(
            ko="시그모이드의 기울기가 가장 클 때는 언제이고, 그 값은 얼마였나요?",
            en="Where is sigmoid's slope largest, and what is it there?",
        ),
    ],
    solution="""
        prediction = 0.25**5
    """,
    explanation=T(
        ko="σ′(z) ≤ σ′(0) = 0.25이므로 다섯 층이면 0.25⁵ = 1/1024 ≈ 0.001입니다. 층을 지날 때마다 "
        "기울기가 4분의 1 이하로 줄어듭니다.",
        en="σ′(z) ≤ σ′(0) = 0.25, so five layers give 0.25⁵ = 1/1024 ≈ 0.001: each layer passes "
        "back at most a quarter of the gradient.",
    ),
    context=CONTEXT,
)

q3 = Question(
    PAGE,
    3,
    title=T(ko="가중치를 모두 0으로 시작하면", en="Starting from all-zero weights"),
    task=T(
        ko="가중치를 모두 0으로 초기화하면 기울기 소실을 피할 수 있을까요? 은닉 유닛들과 앞쪽 층의 "
        "기울기에 무슨 일이 생길지 생각해 보세요.",
        en="Would initializing every weight to 0 avoid vanishing gradients? Think about what "
        "happens to the hidden units, and to the gradient of the earlier layers.",
    ),
    hints=[
        T(
            ko="역전파에서 한 층 뒤로 오차를 보낼 때 Wᵀ가 곱해집니다. W = 0이면요?",
            en="Sending the error one layer back multiplies it by Wᵀ. What if W = 0?",
        ),
    ],
    answer=T(
        ko="피할 수 없습니다. 더 나빠집니다. W = 0이면 Wᵀ를 곱한 오차가 0이라서 앞쪽 층에는 기울기가 "
        "전혀 가지 않습니다. 또 한 층의 은닉 유닛이 모두 같은 값을 계산하고 같은 기울기를 받으므로, "
        "학습해도 서로 똑같은 채로 남습니다(대칭). 그래서 작은 무작위 값으로, 층의 크기에 맞춘 "
        "분산(Glorot, He)으로 시작합니다.",
        en="No; it is worse. With W = 0 the error multiplied by Wᵀ is 0, so the earlier layers "
        "get no gradient at all. And all hidden units of a layer compute the same value and get "
        "the same gradient, so they stay identical however long they train (symmetry). Hence "
        "small random weights, with a variance sized to the layer (Glorot, He).",
    ),
)

EXERCISES = (q1, q2, q3)
