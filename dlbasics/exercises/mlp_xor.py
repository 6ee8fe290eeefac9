"""Exercises for the page "The multi-layer perceptron solves XOR": the forward pass, the parameters."""

from __future__ import annotations

import numpy as np

from .. import activations, perceptron
from ..mlp import MLP
from ._attempt import Case
from ._kinds import FunctionExercise, Question, ValueExercise
from ._mistakes import Mistake, answer_is, behaves_like, has_shape, when
from ._text import Text as T

PAGE = "mlp-xor"
CONTEXT = {"activations": activations}


def _forward(X, W1, b1, W2, b2, *, hidden=np.tanh, output=activations.sigmoid, biases=(1, 1)):
    h = hidden(X @ W1 + biases[0] * b1)  # (n, n_hidden)
    return output(h @ W2 + biases[1] * b2)  # (n, 1)


def _case(X, n_hidden, seed, label):
    rng = np.random.default_rng(seed)
    W1, b1 = rng.normal(size=(2, n_hidden)), rng.normal(size=n_hidden)
    W2, b2 = rng.normal(size=(n_hidden, 1)), rng.normal(size=1)
    return Case((X, W1, b1, W2, b2), label)


_XOR_X, _ = perceptron.logic_gate("XOR")

q1 = FunctionExercise(
    PAGE,
    1,
    name="forward",
    title=T(ko="다층 퍼셉트론의 순전파", en="The forward pass of the MLP"),
    task=T(
        ko="`forward(X, W1, b1, W2, b2)`를 완성하세요. 이 페이지의 네트워크처럼 은닉층은 "
        "h = tanh(X W1 + b1), 출력은 ŷ = σ(h W2 + b2)이고, (n, 1) 배열을 돌려줍니다. X는 (n, 2)이고 "
        "은닉 유닛의 수는 W1의 열 수입니다.",
        en="Complete `forward(X, W1, b1, W2, b2)`: as in this page's network, the hidden layer "
        "is h = tanh(X W1 + b1) and the output ŷ = σ(h W2 + b2), an (n, 1) array. X is (n, 2); "
        "the number of hidden units is the number of columns of W1.",
    ),
    reference=_forward,
    cases=[
        _case(_XOR_X, 3, 0, "X = the XOR inputs (4, 2), 3 hidden units"),
        _case(np.random.default_rng(1).normal(size=(5, 2)), 4, 2, "X (5, 2), 4 hidden units"),
    ],
    mistakes=[
        Mistake(
            "linear_hidden_layer",
            behaves_like(lambda *args: _forward(*args, hidden=lambda z: z)),
            T(
                ko="은닉층에 활성화 함수가 없습니다. tanh가 없으면 두 층이 선형 변환 하나로 합쳐져서 "
                "XOR을 풀 수 없습니다.",
                en="the hidden layer has no activation: without tanh the two layers collapse into "
                "one linear map, and XOR is out of reach.",
            ),
        ),
        Mistake(
            "swapped_activations",
            behaves_like(lambda *args: _forward(*args, hidden=activations.sigmoid, output=np.tanh)),
            T(
                ko="활성화 함수가 뒤바뀌었습니다. 은닉층에 tanh, 출력층에 시그모이드입니다. 출력은 "
                "(0, 1) 사이의 확률이어야 합니다.",
                en="the activations are swapped: tanh in the hidden layer, sigmoid at the output, "
                "whose value is a probability in (0, 1).",
            ),
        ),
        Mistake(
            "missing_bias",
            when(
                lambda attempt: any(
                    behaves_like(lambda *args, kept=kept: _forward(*args, biases=kept))(attempt)
                    for kept in ((0, 1), (1, 0), (0, 0))
                )
            ),
            T(
                ko="편향이 빠졌습니다. 층마다 행렬 곱 다음에 그 층의 b를 더합니다.",
                en="a bias is missing: each layer adds its b after the matrix product.",
            ),
        ),
        Mistake(
            "hidden_output",
            has_shape(lambda shape, case: (shape[0], case.args[1].shape[1])),
            T(
                ko="은닉층의 출력 h를 돌려줍니다. h를 W2, b2와 시그모이드에 한 번 더 통과시키세요.",
                en="you return the hidden layer's output h: pass it on through W2, b2 and the "
                "sigmoid.",
            ),
        ),
    ],
    hints=[
        T(
            ko="행이 샘플이므로 곱하는 순서는 X @ W1입니다. (n, 2) @ (2, 은닉 유닛 수)입니다.",
            en="Rows are samples, so the product is X @ W1: (n, 2) @ (2, hidden units).",
        ),
        T(
            ko="h = np.tanh(X @ W1 + b1)을 구한 다음 h @ W2 + b2에 `activations.sigmoid`를 "
            "적용하세요.",
            en="Compute h = np.tanh(X @ W1 + b1), then apply `activations.sigmoid` to h @ W2 + b2.",
        ),
    ],
    solution="""
        def forward(X, W1, b1, W2, b2):
            h = np.tanh(X @ W1 + b1)
            return activations.sigmoid(h @ W2 + b2)
    """,
    explanation=T(
        ko="`model.predict`가 하는 계산과 같습니다. 모양은 (n, 2) @ (2, k) → (n, k), "
        "(n, k) @ (k, 1) → (n, 1)입니다.",
        en="The same computation as `model.predict`. The shapes: (n, 2) @ (2, k) -> (n, k), then "
        "(n, k) @ (k, 1) -> (n, 1).",
    ),
    context=CONTEXT,
)


def _n_params() -> int:
    return MLP([2, 2, 1], ["tanh", "sigmoid"], loss="mse", seed=0).n_params


q2 = ValueExercise(
    PAGE,
    2,
    name="prediction",
    title=T(ko="파라미터는 몇 개일까?", en="How many parameters?"),
    task=T(
        ko="이 페이지의 네트워크 `MLP([2, 2, 1], ...)`에는 학습하는 숫자(가중치와 편향)가 모두 몇 "
        "개일까요? 먼저 세어 보고, 그다음 셀의 `summary()`로 확인하세요.",
        en="How many learned numbers (weights and biases) does this page's network "
        "`MLP([2, 2, 1], ...)` have? Count first, then verify with `summary()` in the cell after.",
    ),
    expected=_n_params,
    answer_type="number",
    mistakes=[
        Mistake(
            "weights_only",
            answer_is(lambda: 2 * 2 + 2 * 1),
            T(
                ko="가중치만 세었습니다. 층의 유닛마다 편향도 하나씩 있습니다.",
                en="you counted the weights; every unit of a layer also has a bias.",
            ),
        ),
        Mistake(
            "units",
            answer_is(lambda: 2 + 2 + 1),
            T(
                ko="유닛의 수를 세었습니다. 파라미터는 연결(가중치)마다, 그리고 유닛의 편향마다 하나씩 "
                "있습니다.",
                en="that counts the units; there is a parameter per connection (weight) and one "
                "bias per unit.",
            ),
        ),
        Mistake(
            "input_biases",
            answer_is(lambda: 2 * 2 + 2 * 1 + 2 + 2 + 1),
            T(
                ko="입력에도 편향을 붙였습니다. 편향은 은닉층과 출력층의 유닛에만 있습니다.",
                en="you gave the inputs biases too; only the units of the hidden and output "
                "layers have one.",
            ),
        ),
    ],
    hints=[
        T(
            ko="층마다 (입력 수 × 유닛 수)개의 가중치와 유닛 수만큼의 편향이 있습니다.",
            en="Each layer has (inputs × units) weights and one bias per unit.",
        ),
    ],
    solution="""
        prediction = 9
    """,
    explanation=T(
        ko="은닉층 2 × 2 + 2 = 6개, 출력층 2 × 1 + 1 = 3개, 모두 9개입니다.",
        en="Hidden layer 2 × 2 + 2 = 6, output layer 2 × 1 + 1 = 3: 9 in all.",
    ),
    context=CONTEXT,
)

q3 = Question(
    PAGE,
    3,
    title=T(ko="은닉 유닛이 하나라면", en="With a single hidden unit"),
    task=T(
        ko="은닉 유닛이 하나뿐인 `MLP([2, 1, 1], ...)`도 XOR을 풀 수 있을까요? 왜 그런지, 혹은 왜 "
        "아닌지 생각해 보세요.",
        en="Could `MLP([2, 1, 1], ...)`, with a single hidden unit, solve XOR? Think about why, "
        "or why not.",
    ),
    hints=[
        T(
            ko="은닉 유닛 하나는 입력을 숫자 하나 tanh(w·x + c)로 바꿉니다. 출력 유닛은 그 숫자 "
            "하나만 봅니다.",
            en="A single hidden unit turns the input into one number, tanh(w·x + c), and the "
            "output unit sees only that number.",
        ),
    ],
    answer=T(
        ko="풀 수 없습니다. 출력은 w·x + c 하나에 대한 단조 함수이므로, 출력 > 0.5인 영역은 "
        "w·x + c가 어떤 값보다 큰(또는 작은) 곳, 곧 직선 하나로 나뉜 반평면입니다. 퍼셉트론과 같은 "
        "한계입니다. 은닉 유닛이 둘은 있어야 직선 두 개로 띠를 만들 수 있습니다.",
        en="It cannot. The output is a monotonic function of the single number w·x + c, so the "
        "region where the output exceeds 0.5 is where w·x + c is above (or below) some value: a "
        "half-plane, cut off by one straight line, the perceptron's limit again. It takes at "
        "least two hidden units to draw the band between two lines.",
    ),
)

EXERCISES = (q1, q2, q3)
