"""Exercises for the page "An MLP in NumPy": one RMSprop update, the output layer's gradients, and
how far RMSprop steps.
"""

from __future__ import annotations

import numpy as np

from .. import activations, gradient_check, losses
from ..optimizers import RMSprop
from ..preprocessing import one_hot
from ._attempt import Case
from ._kinds import FunctionExercise, GradientExercise, ValueExercise
from ._mistakes import Mistake, answer_near, behaves_like, has_shape, scaled_by
from ._text import Text as T

PAGE = "numpy-mlp"
CONTEXT = {"activations": activations}


def _rmsprop(
    w, g, v, learning_rate, rho, epsilon, *, old_v=False, root=True, swap=False, square=True
):
    """Keras' RMSprop for one array: v = rho v + (1 - rho) g^2, w -= lr g / sqrt(v + eps).

    The keywords make the typical wrong versions (tests check this against optimizers.RMSprop).
    """
    keep, take = (1 - rho, rho) if swap else (rho, 1 - rho)
    v_new = keep * v + take * (g**2 if square else g)
    scale = v if old_v else v_new
    denominator = np.sqrt(scale + epsilon) if root else scale + epsilon
    return w - learning_rate * g / denominator, v_new


def _rmsprop_case(seed, v_scale, label):
    rng = np.random.default_rng(seed)
    w, g = rng.normal(size=4), rng.normal(size=4)
    v = v_scale * rng.uniform(0.5, 1.5, size=4)
    return Case((w, g, v, 0.1, 0.9, 1e-7), label)


q1 = FunctionExercise(
    PAGE,
    1,
    name="rmsprop_step",
    title=T(ko="RMSprop 한 걸음", en="One step of RMSprop"),
    task=T(
        ko="`rmsprop_step(w, g, v, learning_rate, rho, epsilon)`을 완성하세요. 가중치 w, 기울기 g, "
        "제곱 기울기의 이동 평균 v(모두 같은 모양의 배열)로 이 페이지의 식대로 v를 갱신하고 w를 "
        "한 걸음 옮겨 `(w_new, v_new)`를 돌려줍니다. 입력 배열은 바꾸지 않습니다.",
        en="Complete `rmsprop_step(w, g, v, learning_rate, rho, epsilon)`: from the weights w, "
        "the gradient g and the running average v of the squared gradient (arrays of one "
        "shape), update v and move w one step by this page's formula, and return "
        "`(w_new, v_new)`. Leave the input arrays unchanged.",
    ),
    reference=_rmsprop,
    cases=[
        _rmsprop_case(0, 0.0, "w, g (4,), v = 0, α = 0.1, ρ = 0.9, ε = 1e-7"),
        _rmsprop_case(1, 1.0, "w, g (4,), v ≈ 1, α = 0.1, ρ = 0.9, ε = 1e-7"),
    ],
    names=("w_new", "v_new"),
    mistakes=[
        Mistake(
            "old_v",
            behaves_like(lambda *args: _rmsprop(*args, old_v=True)),
            T(
                ko="이전의 v로 나누었습니다. 먼저 이번 기울기로 v를 갱신한 다음, 새 v로 나누세요.",
                en="you divided by the old v: update v with this step's gradient first, then "
                "divide by the new v.",
            ),
        ),
        Mistake(
            "no_root",
            behaves_like(lambda *args: _rmsprop(*args, root=False)),
            T(
                ko="v로 그대로 나누었습니다. v는 제곱 기울기의 평균이므로 제곱근을 씌워야 걸음이 "
                "학습률 정도의 크기가 됩니다.",
                en="you divided by v itself: v averages squared gradients, so take its square "
                "root, and the step gets the size of the learning rate.",
            ),
        ),
        Mistake(
            "rho_swapped",
            behaves_like(lambda *args: _rmsprop(*args, swap=True)),
            T(
                ko="ρ와 1 − ρ가 뒤바뀌었습니다. v는 이전 값의 ρ = 90%를 남기고 g²를 10%만 받아들입니다.",
                en="ρ and 1 − ρ are swapped: v keeps ρ = 90% of its old value and takes in only "
                "10% of g².",
            ),
        ),
        Mistake(
            "not_squared",
            behaves_like(lambda *args: _rmsprop(*args, square=False)),
            T(
                ko="v에 g를 그대로 더했습니다. v는 기울기의 제곱 g²의 이동 평균입니다.",
                en="you averaged g itself into v; v is the running average of the squared "
                "gradient g².",
            ),
        ),
        Mistake(
            "uphill",
            behaves_like(lambda w, g, *rest: _rmsprop(w, -g, *rest)),
            T(
                ko="w가 기울기 쪽으로 움직였습니다. 기울기의 반대로, 곧 빼야 합니다.",
                en="w moved along the gradient: it must move against it, so subtract.",
            ),
        ),
    ],
    hints=[
        T(
            ko="두 줄입니다. v = ρv + (1 − ρ)g², 그다음 w − α g / √(v + ε)입니다.",
            en="Two lines: v = ρv + (1 − ρ)g², then w − α g / √(v + ε).",
        ),
        T(
            ko="`w -= ...`나 `v *= rho`처럼 제자리에서 바꾸지 말고 새 배열을 만드세요.",
            en="Build new arrays rather than `w -= ...` or `v *= rho`, which change the inputs.",
        ),
    ],
    solution="""
        def rmsprop_step(w, g, v, learning_rate, rho, epsilon):
            v = rho * v + (1 - rho) * g**2
            return w - learning_rate * g / np.sqrt(v + epsilon), v
    """,
    explanation=T(
        ko="`dlbasics.optimizers.RMSprop`도 같은 식을 계산합니다. 다만 임시 배열을 다시 쓰면서 "
        "제자리에서 계산합니다. 그 배열들이 옵티마이저 자신의 것이라서 괜찮습니다.",
        en="`dlbasics.optimizers.RMSprop` computes the same formula, in place with reused "
        "scratch arrays; that is fine there, because those arrays belong to the optimizer.",
    ),
)


def _output_gradients(A1, W2, b2, Y):
    """dW2 and db2 of the cross-entropy of softmax(A1 W2 + b2), averaged over the samples."""
    dZ2 = losses.softmax_cross_entropy_gradient(activations.softmax(A1 @ W2 + b2), Y)  # (P - Y) / n
    return A1.T @ dZ2, dZ2.sum(axis=0)


def _numerical_output_gradients(A1, W2, b2, Y):
    def loss(W, b):
        return losses.cross_entropy_from_logits(A1 @ W + b, Y)

    return (
        gradient_check.numerical_gradient(lambda W: loss(W, b2), W2),
        gradient_check.numerical_gradient(lambda b: loss(W2, b), b2),
    )


def _layer_case(n, n_hidden, n_classes, seed):
    rng = np.random.default_rng(seed)
    A1 = np.tanh(rng.normal(size=(n, n_hidden)))
    W2, b2 = rng.normal(size=(n_hidden, n_classes)), rng.normal(size=n_classes)
    Y = one_hot(rng.integers(0, n_classes, size=n), n_classes, dtype=np.float64)
    return Case((A1, W2, b2, Y), f"A1 {A1.shape}, W2 {W2.shape}, Y {Y.shape}")


q2 = GradientExercise(
    PAGE,
    2,
    name="output_layer_gradients",
    title=T(ko="출력층의 기울기", en="The output layer's gradients"),
    task=T(
        ko="`output_layer_gradients(A1, W2, b2, Y)`를 완성하세요. 은닉층 출력 A1 (n, h), 출력층의 "
        "W2 (h, k), b2 (k,), 원-핫 정답 Y (n, k)로 P = softmax(A1 W2 + b2)와 평균 교차 엔트로피의 "
        "기울기 `(dW2, db2)`를 돌려줍니다. 검사는 수치 미분과 비교합니다.",
        en="Complete `output_layer_gradients(A1, W2, b2, Y)`: from the hidden layer's output "
        "A1 (n, h), the output layer's W2 (h, k) and b2 (k,), and the one-hot targets Y (n, k), "
        "return the gradients `(dW2, db2)` of the mean cross-entropy of P = softmax(A1 W2 + b2). "
        "The check compares them with numerical gradients.",
    ),
    reference=_output_gradients,
    numerical=_numerical_output_gradients,
    cases=[_layer_case(5, 4, 3, 0), _layer_case(3, 6, 2, 1)],
    names=("dW2", "db2"),
    mistakes=[
        Mistake(
            "missing_mean",
            scaled_by(lambda case: case.args[0].shape[0]),
            T(
                ko="기울기가 n배(샘플 수만큼) 큽니다. 손실이 샘플에 대한 평균이므로 샘플 수로 나누세요.",
                en="your gradients are n times too large (n, the number of samples): the loss "
                "is an average over the samples, so divide by their number.",
            ),
        ),
        Mistake(
            "sign",
            scaled_by(-1),
            T(
                ko="부호가 반대입니다. 정답 클래스의 확률이 커지도록, 그 로짓의 기울기는 음수여야 합니다.",
                en="the sign is flipped: the true class's logit must get a negative gradient, so "
                "that its probability grows.",
            ),
        ),
        Mistake(
            "db_per_sample",
            has_shape(lambda shape, case: case.args[3].shape, part=1),
            T(
                ko="db2에 샘플마다 한 행이 있습니다. 편향은 모든 샘플이 함께 쓰므로 행들을 더하세요.",
                en="`db2` has one row per sample: the bias is shared by all samples, so add up the "
                "rows.",
            ),
        ),
    ],
    hints=[
        T(
            ko="소프트맥스와 교차 엔트로피를 함께 미분하면 로짓의 기울기가 간단해집니다. 그다음은 역전파 "
            "페이지의 완전 연결층과 같습니다.",
            en="Differentiated together, softmax and cross-entropy give a simple gradient for "
            "the logits; from there it is the dense layer of the backpropagation page.",
        ),
        T(
            ko="dZ2 = (P − Y) / n, dW2 = A1ᵀ dZ2, db2는 dZ2의 열의 합입니다.",
            en="dZ2 = (P − Y) / n, dW2 = A1ᵀ dZ2, and db2 is the column sum of dZ2.",
        ),
    ],
    solution="""
        def output_layer_gradients(A1, W2, b2, Y):
            P = activations.softmax(A1 @ W2 + b2)
            dZ2 = (P - Y) / len(Y)
            return A1.T @ dZ2, dZ2.sum(axis=0)
    """,
    explanation=T(
        ko="이 페이지에서 손으로 계산한 dZ2, dW2, db2와 같은 세 줄이고, `MLP._output_delta`와 "
        "`MLP._backward`가 하는 계산입니다.",
        en="The same three lines as this page's dZ2, dW2 and db2 by hand, and what "
        "`MLP._output_delta` and `MLP._backward` compute.",
    ),
    context=CONTEXT,
)

GRADIENT = 100.0  # the same gradient at every step


def _rmsprop_step_size(n_steps: int = 200) -> float:
    optimizer = RMSprop(learning_rate=0.001)
    w = np.zeros(1)
    for _ in range(n_steps):
        before = w.copy()
        optimizer.step([w], [np.full(1, GRADIENT)])
    return float(abs(w - before)[0])


q3 = ValueExercise(
    PAGE,
    3,
    name="prediction",
    title=T(ko="RMSprop은 얼마나 멀리 갈까?", en="How far does RMSprop step?"),
    task=T(
        ko="어떤 가중치의 기울기가 걸음마다 늘 g = 100이라고 합시다. 학습률 η = 0.001인 RMSprop으로 "
        "200걸음 간 뒤, 한 걸음에 가중치는 얼마나 움직일까요? (2% 안이면 정답)",
        en="Say a weight's gradient is g = 100 at every step. After 200 steps of RMSprop with "
        "learning rate η = 0.001, how far does the weight move in one step? (Within 2% counts.)",
    ),
    expected=_rmsprop_step_size,
    answer_type="number",
    rtol=0.02,
    mistakes=[
        Mistake(
            "plain_gradient_descent",
            answer_near(0.001 * GRADIENT, rtol=0.02),
            T(
                ko="그것은 보통의 경사 하강법이 가는 거리 η·g입니다. RMSprop은 기울기를 그 제곱 평균의 "
                "제곱근으로 나눕니다.",
                en="that is how far plain gradient descent would go, η·g; RMSprop divides the "
                "gradient by the root of its mean square.",
            ),
        ),
        Mistake(
            "divided_twice",
            answer_near(0.001 / GRADIENT, rtol=0.02),
            T(
                ko="기울기로 한 번 더 나누었습니다. g / √(g²)의 크기는 1입니다.",
                en="you divided by the gradient once too often: g / √(g²) has size 1.",
            ),
        ),
    ],
    hints=[
        T(
            ko="기울기가 늘 같으면 v는 g²에 가까워집니다. 그러면 g / √v는 얼마일까요?",
            en="With the same gradient every time, v approaches g². What is g / √v then?",
        ),
    ],
    solution="""
        prediction = 0.001
    """,
    explanation=T(
        ko="v → g²이므로 걸음은 η·g/√(g² + ε) ≈ η = 0.001입니다. 기울기가 100이든 0.01이든 걸음의 "
        "크기는 학습률 정도입니다. RMSprop이 가중치마다 걸음 크기를 맞추는 방식입니다.",
        en="v → g², so a step is η·g/√(g² + ε) ≈ η = 0.001. Whether the gradient is 100 or 0.01, "
        "the step has the size of the learning rate: that is how RMSprop gives every weight its "
        "own step size.",
    ),
)

EXERCISES = (q1, q2, q3)
