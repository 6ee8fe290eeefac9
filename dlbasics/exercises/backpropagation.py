"""Exercises for the page "Backpropagation": a dense layer's backward pass, and which way weights move."""

from __future__ import annotations

import numpy as np

from .. import gradient_check
from ..mlp import MLP
from ._attempt import Case, Raised
from ._kinds import GradientExercise, Question, ValueExercise
from ._mistakes import Mistake, answer_is, has_shape, scaled_by, when
from ._text import Text as T

PAGE = "backpropagation"
# The page's 2-2-1 sigmoid network and its sample.
WEIGHTS = {
    "W1": [[0.5, -0.4], [0.3, 0.8]],
    "b1": [0.1, -0.1],
    "W2": [[0.7], [-0.6]],
    "b2": [0.2],
}
SAMPLE = [[1.0, 0.5]]


def _backward(X, W, dZ):
    """Z = X W + b: dL/dW = X^T dZ, dL/db = the column sums of dZ, dL/dX = dZ W^T."""
    return X.T @ dZ, dZ.sum(axis=0), dZ @ W.T


def _numerical(X, W, dZ):
    """The same three by central differences of L = sum(Z * dZ), whose dL/dZ is dZ."""
    b = np.zeros(W.shape[1])

    def loss(X_, W_, b_):
        return np.sum((X_ @ W_ + b_) * dZ)

    return (
        gradient_check.numerical_gradient(lambda W_: loss(X, W_, b), W),
        gradient_check.numerical_gradient(lambda b_: loss(X, W, b_), b),
        gradient_check.numerical_gradient(lambda X_: loss(X_, W, b), X),
    )


def _case(n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    X, W, dZ = (
        rng.normal(size=(n, n_in)),
        rng.normal(size=(n_in, n_out)),
        rng.normal(size=(n, n_out)),
    )
    return Case((X, W, dZ), f"X {X.shape}, W {W.shape}, dZ {dZ.shape}")


def _shape_error(attempt) -> bool:
    return any(
        isinstance(out, Raised) and isinstance(out.error, ValueError) for out in attempt.outputs
    )


q1 = GradientExercise(
    PAGE,
    1,
    name="dense_backward",
    title=T(ko="완전 연결층의 역전파", en="The backward pass of a dense layer"),
    task=T(
        ko="층 하나가 Z = X W + b를 계산합니다(X는 (n, n_in), W는 (n_in, n_out)). 뒤에서 "
        "dZ = ∂L/∂Z가 들어오면 이 층은 dW = ∂L/∂W, db = ∂L/∂b, dX = ∂L/∂X를 구해야 합니다. "
        "`dense_backward(X, W, dZ)`를 완성해 `(dW, db, dX)`를 돌려주세요. 검사는 "
        "`dlbasics.gradient_check`의 수치 미분과 비교합니다.",
        en="A layer computes Z = X W + b (X is (n, n_in), W is (n_in, n_out)). When dZ = ∂L/∂Z "
        "arrives from behind, the layer must compute dW = ∂L/∂W, db = ∂L/∂b and dX = ∂L/∂X. "
        "Complete `dense_backward(X, W, dZ)` to return `(dW, db, dX)`. The check compares them "
        "with numerical gradients from `dlbasics.gradient_check`.",
    ),
    reference=_backward,
    numerical=_numerical,
    cases=[_case(4, 3, 2, 0), _case(2, 5, 3, 1)],
    names=("dW", "db", "dX"),
    mistakes=[
        Mistake(
            "dW_transposed",
            has_shape(lambda shape, case: shape[::-1], part=0),
            T(
                ko="dW의 모양이 W를 전치한 모양입니다. dW는 W와 같은 모양 (n_in, n_out)이어야 "
                "합니다. 그 모양이 나오도록 곱하는 순서와 전치를 고르세요.",
                en="`dW` has the shape of W transposed: it must have W's shape, (n_in, n_out). "
                "Choose the order of the product and the transposes that give it.",
            ),
        ),
        Mistake(
            "db_per_sample",
            has_shape(lambda shape, case: case.args[2].shape, part=1),
            T(
                ko="db에 샘플마다 한 행이 있습니다. 편향은 모든 샘플이 함께 쓰므로, 샘플들의 기여를 "
                "샘플 축을 따라 더해야 합니다.",
                en="`db` has one row per sample: the bias is shared by all samples, so their "
                "contributions add up along the sample axis.",
            ),
        ),
        Mistake(
            "db_averaged",
            scaled_by(lambda case: 1 / case.args[0].shape[0], part=1),
            T(
                ko="db가 n배 작습니다. 샘플마다의 dZ에는 이미 손실에서 그 샘플의 몫이 들어 있으므로 "
                "평균이 아니라 합을 구합니다.",
                en="`db` is n times too small: each sample's row of dZ already carries its share "
                "of the loss, so add the rows up instead of averaging them.",
            ),
        ),
        Mistake(
            "dX_transposed",
            has_shape(lambda shape, case: shape[::-1], part=2),
            T(
                ko="dX의 모양이 X를 전치한 모양입니다. dX는 X와 같은 (n, n_in)이어야 합니다.",
                en="`dX` has the shape of X transposed: it must be (n, n_in), like X.",
            ),
        ),
        Mistake(
            "shapes_do_not_fit",
            when(_shape_error),
            T(
                ko="행렬 곱의 모양이 맞지 않습니다(위 오류를 보세요). 결과의 모양을 먼저 적으세요. "
                "dW는 W처럼 (n_in, n_out), db는 b처럼 (n_out,), dX는 X처럼 (n, n_in)입니다. "
                "그다음 그 모양을 만드는 곱과 전치를 고르세요.",
                en="a matrix product does not fit. Write down each result's shape first: dW like "
                "W (n_in, n_out), db like b (n_out,), dX like X (n, n_in); then choose the "
                "product and the transposes that give it.",
            ),
        ),
    ],
    hints=[
        T(
            ko="각 결과의 모양을 먼저 맞추세요. dW는 (n_in, n_out)이므로 X의 전치와 dZ를 "
            "곱하는 것 말고는 방법이 없습니다.",
            en="Match the shapes first: dW is (n_in, n_out), and only the transpose of X times "
            "dZ gives that shape.",
        ),
        T(
            ko="dW = Xᵀ dZ, db는 dZ의 열마다의 합, dX = dZ Wᵀ입니다.",
            en="dW = Xᵀ dZ, db is the sum of each column of dZ, dX = dZ Wᵀ.",
        ),
    ],
    solution="""
        def dense_backward(X, W, dZ):
            dW = X.T @ dZ
            db = dZ.sum(axis=0)
            dX = dZ @ W.T
            return dW, db, dX
    """,
    explanation=T(
        ko="Z의 한 원소 Z[i, k]는 W[j, k]에 X[i, j]를 곱해서 받으므로 dW[j, k]는 모든 샘플 i에 "
        "대한 X[i, j]·dZ[i, k]의 합, 곧 Xᵀ dZ입니다. b[k]는 모든 샘플의 Z[i, k]에 더해지므로 "
        "db는 열의 합입니다. dX도 같은 이유로 dZ Wᵀ입니다. `MLP._backward`의 세 줄이 이것입니다.",
        en="Each Z[i, k] receives W[j, k] times X[i, j], so dW[j, k] sums X[i, j]·dZ[i, k] over "
        "the samples i: Xᵀ dZ. b[k] is added to Z[i, k] of every sample, so db is the column "
        "sum. dX = dZ Wᵀ for the same reason. These are three lines of `MLP._backward`.",
    ),
)


def _model():
    model = MLP([2, 2, 1], "sigmoid", loss="mse", dtype=np.float64)
    for param, value in zip(model.params, WEIGHTS.values(), strict=True):
        param[...] = value
    return model


def _direction_of_W2_00(target: float) -> str:
    """Whether one gradient-descent step raises or lowers W2[0, 0] for the page's sample."""
    _, grads = _model().loss_and_gradients(np.array(SAMPLE), np.array([[target]]))
    return "up" if grads[2][0, 0] < 0 else "down"


q2 = ValueExercise(
    PAGE,
    2,
    name="prediction",
    title=T(ko="정답이 1이라면", en="If the target were 1"),
    task=T(
        ko="이 페이지의 예에서는 정답이 0이고 출력(약 0.6)이 너무 커서, 경사 하강 한 걸음이 "
        "W2[0, 0]을 내렸습니다. 정답이 1이어서 출력이 너무 작다면, 한 걸음이 W2[0, 0]을 올릴까요 "
        "내릴까요? `'up'`이나 `'down'`으로 예측하세요.",
        en="In this page's example the target is 0 and the output (about 0.6) is too big, so one "
        "step of gradient descent lowered W2[0, 0]. If the target were 1, so that the output is "
        "too small, would one step raise or lower W2[0, 0]? Predict `'up'` or `'down'`.",
    ),
    expected=lambda: _direction_of_W2_00(1.0),
    answer_type="text",
    mistakes=[
        Mistake(
            "not_a_choice",
            when(lambda attempt: attempt.answer not in ("up", "down")),
            T(
                ko="문제에 나온 두 단어 중 하나로 답하세요.",
                en="answer with one of the two words in the task.",
            ),
        ),
        Mistake(
            "the_same_as_before",
            answer_is(lambda: _direction_of_W2_00(0.0)),
            T(
                ko="그것은 정답이 0일 때의 방향입니다. ∂L/∂w = 2(a − y)·∂a/∂w에서 a − y의 부호가 "
                "바뀌면 모든 화살표가 뒤집힙니다.",
                en="that is the direction for the target 0. In ∂L/∂w = 2(a − y)·∂a/∂w the sign "
                "of a − y flips, and with it every arrow.",
            ),
        ),
    ],
    hints=[
        T(
            ko="W2[0, 0]의 영향 ∂a/∂w는 정답과 상관없이 그대로입니다. 바뀌는 것은 a − y의 부호입니다.",
            en="The influence ∂a/∂w of W2[0, 0] does not depend on the target; what changes is "
            "the sign of a − y.",
        ),
    ],
    solution="""
        prediction = "up"
    """,
    explanation=T(
        ko="W2[0, 0]은 양의 영향을 줍니다(h₁ > 0, σ′ > 0). 출력이 너무 작으면 a − y < 0이므로 "
        "∂L/∂W2[0, 0] < 0이고, 기울기의 반대로 움직이는 경사 하강은 W2[0, 0]을 올립니다.",
        en="W2[0, 0] has a positive influence (h₁ > 0, σ′ > 0). With the output too small, "
        "a − y < 0, so ∂L/∂W2[0, 0] < 0, and gradient descent, moving against the gradient, "
        "raises W2[0, 0].",
    ),
)

q3 = Question(
    PAGE,
    3,
    title=T(ko="기울기 확인은 왜 float64로 할까?", en="Why check gradients in float64?"),
    task=T(
        ko="이 페이지의 기울기 확인은 float64로 계산했습니다. MNIST 학습은 float32로 하는데, 왜 "
        "기울기 확인에는 float32를 쓰지 않을까요?",
        en="This page checks gradients in float64, while the MNIST training runs in float32. "
        "Why not check the gradients in float32?",
    ),
    hints=[
        T(
            ko="중심 차분은 거의 같은 두 손실의 차이를 2ε으로 나눕니다. float32는 유효 숫자가 "
            "몇 자리일까요?",
            en="Central differences divide the difference of two nearly equal losses by 2ε. How "
            "many significant digits does a float32 hold?",
        ),
    ],
    answer=T(
        ko="float32의 유효 숫자는 약 7자리입니다. ε = 10⁻⁶이면 L(w + ε)와 L(w − ε)는 여섯째 자리쯤"
        "부터 달라지므로 그 차이가 반올림 오차에 거의 묻혀 버립니다. float64는 약 16자리라서 "
        "차이의 숫자가 8자리쯤 남고, 상대 오차 1e-7 같은 비교가 의미를 가집니다.",
        en="A float32 holds about 7 significant digits. With ε = 10⁻⁶, L(w + ε) and L(w − ε) "
        "differ from about the sixth digit on, so their difference drowns in rounding error. A "
        "float64 holds about 16, which leaves some 8 digits of the difference, and a comparison "
        "at a relative error of 1e-7 means something.",
    ),
)

EXERCISES = (q1, q2, q3)
