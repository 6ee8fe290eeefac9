"""Exercises for the page "Overfitting and regularization": inverted dropout, the weight-decay term
of the gradient, and what dropout does at inference.
"""

from __future__ import annotations

import numpy as np

from .. import regularization
from ._attempt import Case
from ._kinds import ArrayExercise, FunctionExercise
from ._mistakes import Mistake, answer_is, behaves_like
from ._text import Text as T

PAGE = "regularization"
CONTEXT = {"regularization": regularization}


def _dropout(A, keep, rate):
    """Inverted dropout with a given mask: kept outputs divided by 1 - rate, the others 0."""
    return np.where(keep, A, 0.0) / (1 - rate)


def _dropout_case(seed, rate, shape, label):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=shape)
    keep = rng.random(shape) >= rate
    return Case((A, keep, rate), label)


q1 = FunctionExercise(
    PAGE,
    1,
    name="dropout_forward",
    title=T(ko="역 드롭아웃", en="Inverted dropout"),
    task=T(
        ko="`dropout_forward(A, keep, rate)`를 완성하세요. 은닉층의 출력 A와 같은 모양의 True/False "
        "마스크 keep(True가 남길 유닛), 드롭아웃 비율 rate로, 학습할 때의 역 드롭아웃 출력을 "
        "돌려줍니다. 꺼진 유닛은 0, 남은 유닛은 평균이 그대로 유지되도록 크기를 조정합니다.",
        en="Complete `dropout_forward(A, keep, rate)`: from a hidden layer's output A, a True/False "
        "mask keep of its shape (True: the unit stays) and the dropout rate, return the output of "
        "inverted dropout in training: 0 for the dropped units, the kept ones scaled so that the "
        "mean stays what it was.",
    ),
    reference=_dropout,
    cases=[
        _dropout_case(0, 0.5, (3, 4), "A (3, 4), rate = 0.5"),
        _dropout_case(1, 0.2, (2, 5), "A (2, 5), rate = 0.2"),
    ],
    mistakes=[
        Mistake(
            "not_scaled",
            behaves_like(lambda A, keep, rate: np.where(keep, A, 0.0)),
            T(
                ko="남은 출력의 크기를 조정하지 않았습니다. 그러면 학습할 때의 평균이 추론할 때보다 "
                "(1 − rate)배 작아집니다.",
                en="the kept outputs are not scaled: training's mean is then (1 − rate) times "
                "inference's.",
            ),
        ),
        Mistake(
            "times_keep_probability",
            behaves_like(lambda A, keep, rate: np.where(keep, A, 0.0) * (1 - rate)),
            T(
                ko="(1 − rate)를 곱했습니다. 남은 유닛이 꺼진 유닛의 몫까지 메워야 하므로 나누어야 "
                "합니다.",
                en="you multiplied by (1 − rate); the kept units must make up for the dropped ones, "
                "so divide.",
            ),
        ),
        Mistake(
            "divided_by_rate",
            behaves_like(lambda A, keep, rate: np.where(keep, A, 0.0) / rate),
            T(
                ko="rate로 나누었습니다. rate는 꺼지는 비율이고, 남는 비율은 1 − rate입니다.",
                en="you divided by rate, the share that is dropped; the share that stays is "
                "1 − rate.",
            ),
        ),
        Mistake(
            "mask_inverted",
            behaves_like(lambda A, keep, rate: np.where(keep, 0.0, A) / (1 - rate)),
            T(
                ko="마스크를 거꾸로 썼습니다. keep이 True인 유닛이 남고, False인 유닛이 0이 됩니다.",
                en="the mask is the wrong way round: units where keep is True stay, the others "
                "become 0.",
            ),
        ),
    ],
    hints=[
        T(
            ko="먼저 꺼진 유닛을 0으로 만들고(`A * keep`), 그다음 크기를 조정합니다.",
            en="First set the dropped units to 0 (`A * keep`), then scale.",
        ),
        T(
            ko="유닛 하나가 남을 확률은 1 − rate입니다. 평균을 지키려면 남은 값을 그 확률로 "
            "나누세요.",
            en="A unit stays with probability 1 − rate; to keep the mean, divide the kept values "
            "by that probability.",
        ),
    ],
    solution="""
        def dropout_forward(A, keep, rate):
            return A * keep / (1 - rate)
    """,
    explanation=T(
        ko="기댓값은 (1 − rate)·a/(1 − rate) + rate·0 = a입니다. 학습할 때 미리 나눠 두므로 추론할 때는 "
        "드롭아웃을 끄기만 하면 됩니다. `regularization.dropout_mask`는 keep / (1 − rate)를 한 번에 "
        "만듭니다.",
        en="The expected value is (1 − rate)·a/(1 − rate) + rate·0 = a. Dividing in training means "
        "that at inference dropout is simply switched off. `regularization.dropout_mask` makes "
        "keep / (1 − rate) in one go.",
    ),
    context=CONTEXT,
)


def _decayed(dW, W, l2):
    """The gradient of the data loss plus l2 * sum(W**2): one more term, 2 l2 W."""
    return dW + regularization.l2_gradient(W, l2)


def _decay_case(seed, l2, label):
    rng = np.random.default_rng(seed)
    return Case((rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), l2), label)


q2 = FunctionExercise(
    PAGE,
    2,
    name="weight_decay_gradient",
    title=T(ko="가중치 감쇠의 기울기", en="The gradient with weight decay"),
    task=T(
        ko="`weight_decay_gradient(dW, W, l2)`를 완성하세요. 데이터 손실의 기울기 dW와 가중치 W(같은 "
        "모양), 강도 l2로, 손실에 l2·ΣW²를 더했을 때의 기울기를 돌려줍니다(이 페이지와 Keras의 "
        "`L2(l2)`와 같은 약속입니다).",
        en="Complete `weight_decay_gradient(dW, W, l2)`: from the data loss's gradient dW, the "
        "weights W (of one shape) and the strength l2, return the gradient once l2·ΣW² is added "
        "to the loss (the convention of this page and of Keras' `L2(l2)`).",
    ),
    reference=_decayed,
    cases=[
        _decay_case(0, 0.01, "dW, W (3, 2), l2 = 0.01"),
        _decay_case(1, 0.5, "dW, W (3, 2), l2 = 0.5"),
    ],
    mistakes=[
        Mistake(
            "half",
            behaves_like(lambda dW, W, l2: dW + l2 * W),
            T(
                ko="l2·W를 더했습니다. W²를 미분하면 2W이므로 더할 항은 그 두 배입니다. "
                "(l2/2·ΣW²라는 약속도 있지만, 이 페이지와 Keras는 l2·ΣW²를 씁니다.)",
                en="you added l2·W: the derivative of W² is 2W, so the term is twice that. (Some "
                "write the penalty as l2/2·ΣW²; this page and Keras use l2·ΣW².)",
            ),
        ),
        Mistake(
            "sign",
            behaves_like(lambda dW, W, l2: dW - 2 * l2 * W),
            T(
                ko="부호가 반대입니다. 벌점은 가중치가 클수록 커지므로 그 기울기는 W와 같은 쪽을 "
                "가리키고, 경사 하강이 W를 0 쪽으로 줄입니다.",
                en="the sign is flipped: the penalty grows with the weights, so its gradient points "
                "the way W does, and gradient descent shrinks W towards 0.",
            ),
        ),
        Mistake(
            "decayed_the_gradient",
            behaves_like(lambda dW, W, l2: dW * (1 - 2 * l2)),
            T(
                ko="기울기 dW를 줄였습니다. 벌점의 미분은 가중치 W에 비례하는 항으로, dW에 더해집니다.",
                en="you shrank the gradient dW; the penalty's derivative is a term proportional to "
                "the weights W, added to dW.",
            ),
        ),
    ],
    hints=[
        T(
            ko="ΣW²를 W의 원소 하나로 미분하면 무엇이 될까요?",
            en="What is the derivative of ΣW² with respect to one entry of W?",
        ),
    ],
    solution="""
        def weight_decay_gradient(dW, W, l2):
            return dW + 2 * l2 * W
    """,
    explanation=T(
        ko="∂(l2·ΣW²)/∂W = 2·l2·W입니다. 보통의 SGD라면 한 걸음이 W ← (1 − 2αl2)W − α·dW가 되어, "
        "걸음마다 가중치가 조금씩 줄어듭니다. `regularization.l2_gradient`가 이 항입니다.",
        en="∂(l2·ΣW²)/∂W = 2·l2·W. With plain SGD a step becomes W ← (1 − 2αl2)W − α·dW: every "
        "step shrinks the weights a little. `regularization.l2_gradient` is this term.",
    ),
    context=CONTEXT,
)

INFERENCE_INPUT = np.array([2.0, 4.0, 0.5])
RATE = 0.3

q3 = ArrayExercise(
    PAGE,
    3,
    name="prediction",
    title=T(ko="추론할 때의 드롭아웃", en="Dropout at inference"),
    task=T(
        ko="비율 0.3인 (역) 드롭아웃 층이 추론할 때 [2.0, 4.0, 0.5]를 받으면 무엇을 내보낼까요? "
        "숫자 세 개의 1차원 배열로 예측하세요.",
        en="At inference, an (inverted) dropout layer with rate 0.3 receives [2.0, 4.0, 0.5]. What "
        "does it pass on? Predict it as a 1-D array of three numbers.",
    ),
    expected=lambda: INFERENCE_INPUT.copy(),
    mistakes=[
        Mistake(
            "scaled_down",
            answer_is(lambda: INFERENCE_INPUT * (1 - RATE)),
            T(
                ko="추론할 때 (1 − rate)를 곱하는 것은 옛 방식의 드롭아웃입니다. 역 드롭아웃은 학습할 "
                "때 이미 나누었습니다.",
                en="multiplying by (1 − rate) at inference is the old form of dropout; inverted "
                "dropout divided in training already.",
            ),
        ),
        Mistake(
            "scaled_up",
            answer_is(lambda: INFERENCE_INPUT / (1 - RATE)),
            T(
                ko="그것은 학습할 때 남은 유닛이 받는 크기 조정입니다. 추론할 때는 유닛을 끄지도, 크기를 "
                "바꾸지도 않습니다.",
                en="that is the scaling the kept units get in training; at inference no unit is "
                "dropped and nothing is scaled.",
            ),
        ),
    ],
    hints=[
        T(
            ko="학습할 때 남은 출력을 1 − rate로 나누는 이유를 떠올려 보세요.",
            en="Think of why the kept outputs are divided by 1 − rate in training.",
        ),
    ],
    solution="""
        prediction = np.array([2.0, 4.0, 0.5])
    """,
    explanation=T(
        ko="역 드롭아웃은 추론할 때 항등 함수입니다. 학습할 때의 평균이 이미 추론할 때와 같게 "
        "맞춰져 있기 때문입니다. 이 페이지의 `dropped`와 `plain`이 같은 출력을 낸 것도 그 때문입니다.",
        en="Inverted dropout is the identity at inference: training's mean was already matched to "
        "inference's. That is why this page's `dropped` and `plain` gave the same outputs.",
    ),
    context=CONTEXT,
)

EXERCISES = (q1, q2, q3)
