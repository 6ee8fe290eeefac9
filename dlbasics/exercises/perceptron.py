"""Exercises for the page "The perceptron and logic gates": the learning rule, and what it can learn."""

from __future__ import annotations

import numpy as np

from .. import activations, perceptron
from ._attempt import Case
from ._kinds import FunctionExercise, Question, ValueExercise
from ._mistakes import Mistake, behaves_like, when
from ._text import Text as T

PAGE = "perceptron"
CONTEXT = {"activations": activations}
# Truth tables on the inputs (0, 0), (0, 1), (1, 0), (1, 1), the order of perceptron.logic_gate.
GATES = {"NOR": [1, 0, 0, 0], "XNOR": [1, 0, 0, 1], "IMPLIES": [1, 1, 0, 1]}


def _update(W, b, x, y, learning_rate, *, sign=1.0, boundary=False, use_x=True, move_b=True):
    """One step of the perceptron rule; the keywords make the typical wrong versions."""
    z = x @ W + b
    y_hat = float(z >= 0) if boundary else float(activations.step(z))
    error = sign * (y - y_hat)
    W_new = W + learning_rate * error * (x if use_x else 1.0)
    return W_new, b + learning_rate * error if move_b else b


def _no_step(W, b, x, y, learning_rate):
    error = y - (x @ W + b)  # the weighted sum itself as the prediction
    return W + learning_rate * error * x, b + learning_rate * error


def _array(*values):
    return np.array(values, dtype=np.float64)


q1 = FunctionExercise(
    PAGE,
    1,
    name="perceptron_update",
    title=T(ko="퍼셉트론 학습 규칙 한 번", en="One step of the perceptron rule"),
    task=T(
        ko="`perceptron_update(W, b, x, y, learning_rate)`를 완성하세요. 샘플 하나 (x, y)로 "
        "예측 ŷ = step(W·x + b)를 구하고, 학습 규칙을 한 번 적용한 `(W_new, b_new)`를 돌려줍니다. "
        "W와 x는 길이 2인 배열, b와 y는 숫자입니다.",
        en="Complete `perceptron_update(W, b, x, y, learning_rate)`: for one sample (x, y), "
        "predict ŷ = step(W·x + b), apply the learning rule once, and return `(W_new, b_new)`. "
        "W and x are arrays of length 2, b and y numbers.",
    ),
    reference=_update,
    cases=[
        Case(
            (_array(0.5, -0.5), 0.0, _array(1, 0), 0.0, 0.1),
            "W = [0.5, -0.5], b = 0, x = [1, 0], y = 0",
        ),
        Case(
            (_array(0.2, 0.3), -0.6, _array(1, 1), 1.0, 0.1),
            "W = [0.2, 0.3], b = -0.6, x = [1, 1], y = 1",
        ),
        Case(
            (_array(0.5, 0.5), -0.5, _array(1, 0), 0.0, 0.1),
            "W = [0.5, 0.5], b = -0.5, x = [1, 0], y = 0",
        ),
        Case(
            (_array(1.0, 1.0), -1.5, _array(1, 1), 1.0, 0.5),
            "W = [1, 1], b = -1.5, x = [1, 1], y = 1, α = 0.5",
        ),
    ],
    names=("W_new", "b_new"),
    mistakes=[
        Mistake(
            "sign",
            behaves_like(lambda *args: _update(*args, sign=-1.0)),
            T(
                ko="부호가 반대입니다. 출력이 너무 작을 때(y = 1, ŷ = 0) W는 x 쪽으로 움직여야 "
                "합니다. 오차는 y − ŷ입니다.",
                en="the update has the wrong sign: when the output is too small (y = 1, ŷ = 0), W "
                "must move toward x. The error is y − ŷ.",
            ),
        ),
        Mistake(
            "boundary",
            behaves_like(lambda *args: _update(*args, boundary=True)),
            T(
                ko="W·x + b = 0인 샘플에서만 틀립니다. 이 페이지의 step(0) = 0이므로 경계 위의 "
                "샘플은 0으로 예측합니다.",
                en="wrong only for the sample with W·x + b = 0 exactly: on this page step(0) = 0, "
                "so a sample on the boundary is predicted 0.",
            ),
        ),
        Mistake(
            "missing_x",
            behaves_like(lambda *args: _update(*args, use_x=False)),
            T(
                ko="W의 모든 성분이 똑같이 움직입니다. 입력 x를 곱해야 켜진 입력(xᵢ = 1)의 가중치만 "
                "바뀝니다.",
                en="every weight moves by the same amount: multiply by the input x, so that only "
                "the weights of active inputs (xᵢ = 1) change.",
            ),
        ),
        Mistake(
            "bias_stays",
            behaves_like(lambda *args: _update(*args, move_b=False)),
            T(
                ko="b가 그대로입니다. 편향도 학습합니다. x 대신 1이 곱해진다고 생각하세요.",
                en="b never changes: the bias learns too, as if its input were always 1.",
            ),
        ),
        Mistake(
            "no_step",
            behaves_like(_no_step),
            T(
                ko="가중합 W·x + b를 그대로 예측으로 썼습니다. 퍼셉트론의 출력은 0이나 1인 "
                "ŷ = step(W·x + b)입니다.",
                en="you used the weighted sum W·x + b itself as the prediction: the perceptron's "
                "output is ŷ = step(W·x + b), 0 or 1.",
            ),
        ),
    ],
    hints=[
        T(
            ko="먼저 예측 ŷ = step(W·x + b), 그다음 오차 y − ŷ(−1, 0, 1 가운데 하나)를 구하세요.",
            en="First the prediction ŷ = step(W·x + b), then the error y − ŷ (−1, 0 or 1).",
        ),
        T(
            ko="W_new = W + α(y − ŷ)x, b_new = b + α(y − ŷ)입니다. W를 제자리에서 바꾸지 말고 새 "
            "배열을 만드세요.",
            en="W_new = W + α(y − ŷ)x and b_new = b + α(y − ŷ). Build a new array instead of "
            "changing W in place.",
        ),
    ],
    solution="""
        def perceptron_update(W, b, x, y, learning_rate):
            y_hat = activations.step(x @ W + b)
            error = y - y_hat
            return W + learning_rate * error * x, b + learning_rate * error
    """,
    explanation=T(
        ko="예측이 맞으면 오차가 0이어서 아무것도 바뀌지 않습니다. `W += ...`처럼 제자리에서 바꾸면 "
        "호출한 쪽의 W까지 바뀝니다.",
        en="When the prediction is right the error is 0 and nothing changes. Changing W in place "
        "(`W += ...`) would change the caller's W as well.",
    ),
    context=CONTEXT,
)


def _learnable() -> frozenset:
    """The gates of GATES that one perceptron learns (converges on) within 100 epochs."""
    X, _ = perceptron.logic_gate("AND")
    return frozenset(
        name
        for name, targets in GATES.items()
        if perceptron.train(
            X, np.array(targets, dtype=np.float64), max_epochs=100, seed=0
        ).converged
    )


def _says(name):
    return lambda attempt: name.lower() in attempt.answer


q2 = ValueExercise(
    PAGE,
    2,
    name="prediction",
    title=T(ko="퍼셉트론 하나로 배울 수 있는 게이트", en="Gates one perceptron can learn"),
    task=T(
        ko="입력 (0, 0), (0, 1), (1, 0), (1, 1)에 대해 NOR는 1, 0, 0, 0을, XNOR는 1, 0, 0, 1을, "
        "IMPLIES(x₁ → x₂)는 1, 1, 0, 1을 출력합니다. 퍼셉트론 하나가 배울 수 있는 게이트는 "
        "어느 것일까요? 이름들의 집합으로 넣으세요. 예: `{{'NOR'}}`.",
        en="On the inputs (0, 0), (0, 1), (1, 0), (1, 1), NOR outputs 1, 0, 0, 0, XNOR outputs "
        "1, 0, 0, 1 and IMPLIES (x₁ → x₂) outputs 1, 1, 0, 1. Which of them can one perceptron "
        "learn? Enter a set of names, e.g. `{{'NOR'}}`.",
    ),
    expected=_learnable,
    answer_type="names",
    mistakes=[
        Mistake(
            "unknown_gate",
            when(lambda attempt: not attempt.answer <= {name.lower() for name in GATES}),
            T(
                ko="문제에 나온 세 게이트 이름만 쓰세요.",
                en="use only the three gate names of the task.",
            ),
        ),
        Mistake(
            "xnor",
            when(_says("XNOR")),
            T(
                ko="XNOR는 XOR의 출력을 뒤집은 것입니다. 같은 대각선의 꼭짓점끼리 묶이므로 XOR처럼 "
                "직선 하나로 나눌 수 없습니다.",
                en="XNOR is XOR with its outputs flipped: opposite corners belong together, and "
                "as for XOR no straight line separates them.",
            ),
        ),
        Mistake(
            "nor_missing",
            when(lambda attempt: not _says("NOR")(attempt)),
            T(
                ko="NOR는 OR의 출력을 뒤집은 것입니다. OR 퍼셉트론의 W와 b의 부호를 바꾸면 "
                "NOR가 됩니다.",
                en="NOR is OR with its outputs flipped: flip the signs of an OR perceptron's W "
                "and b and you have NOR.",
            ),
        ),
        Mistake(
            "implies_missing",
            when(lambda attempt: not _says("IMPLIES")(attempt)),
            T(
                ko="IMPLIES의 진리표를 정사각형 위에 그려 보세요. 0인 점이 한 꼭짓점에 혼자 있으므로 "
                "직선 하나로 잘라 낼 수 있습니다.",
                en="draw the truth table of IMPLIES on the square: its one 0 sits alone in a "
                "corner, and a straight line can cut a corner off.",
            ),
        ),
    ],
    hints=[
        T(
            ko="각 게이트의 진리표를 정사각형의 네 꼭짓점에 그리고, 1인 점과 0인 점을 직선 하나로 "
            "나눌 수 있는지 보세요.",
            en="Draw each gate's truth table on the four corners of the square and ask whether "
            "one straight line separates its 1s from its 0s.",
        ),
    ],
    solution="""
        prediction = {"NOR", "IMPLIES"}
    """,
    explanation=T(
        ko="NOR와 IMPLIES는 직선 하나로 나눌 수 있어 학습 규칙이 수렴합니다. XNOR는 XOR처럼 "
        "대각선끼리 묶여 있어 어떤 직선으로도 나눌 수 없습니다.",
        en="NOR and IMPLIES are linearly separable, so the learning rule converges; XNOR, like "
        "XOR, pairs opposite corners, which no straight line can separate.",
    ),
    context=CONTEXT,
)

q3 = Question(
    PAGE,
    3,
    title=T(ko="XOR에서 가중치가 멈추지 않는 이유", en="Why the weights never settle on XOR"),
    task=T(
        ko="XOR에서 퍼셉트론은 수렴하지 않고, 가중치가 한곳에 머무르지 않고 계속 바뀝니다. 학습 "
        "규칙의 어느 부분 때문일까요?",
        en="On XOR the perceptron never converges, and its weights keep changing instead of "
        "settling somewhere. Which part of the learning rule makes that happen?",
    ),
    hints=[
        T(
            ko="규칙은 언제 W를 바꾸고, 언제 바꾸지 않을까요? XOR에서 모든 샘플을 맞히는 직선이 "
            "있나요?",
            en="When does the rule change W, and when does it not? Is there a line that gets "
            "every XOR sample right?",
        ),
    ],
    answer=T(
        ko="규칙은 샘플을 틀릴 때마다 W를 바꾸고, 모두 맞힐 때만 멈춥니다. XOR에서는 어떤 직선도 "
        "네 샘플을 모두 맞히지 못하므로 에포크마다 적어도 한 번은 바뀝니다. 걸음의 크기 α는 "
        "줄어들지 않으므로 W는 한 점으로 모이지 않고 같은 몇 자리를 맴돕니다.",
        en="The rule changes W whenever a sample is misclassified and stops only when all are "
        "right. On XOR no line gets all four right, so every epoch makes at least one update. "
        "The step size α never shrinks, so W does not settle at a point but cycles through the "
        "same few places.",
    ),
)

EXERCISES = (q1, q2, q3)
