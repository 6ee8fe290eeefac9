"""Exercises for the page "A CNN from scratch in NumPy": the output-size formula, how far a moved
digit's feature map moves after pooling, and the backward pass of max pooling.
"""

from __future__ import annotations

import numpy as np

from .. import conv_layers
from ._attempt import Case
from ._kinds import FunctionExercise, ValueExercise
from ._mistakes import Mistake, answer_is, behaves_like
from ._text import Text as T

PAGE = "numpy-cnn"
CONTEXT = {"conv_layers": conv_layers}


def _output_size(n, k, stride, padding):
    """floor((n + 2p - k) / s) + 1 windows of k pixels along a side of n, p zeros each side."""
    return (n + 2 * padding - k) // stride + 1


q1 = FunctionExercise(
    PAGE,
    1,
    name="output_size",
    title=T(ko="출력 크기", en="The output size"),
    task=T(
        ko="`output_size(n, k, stride, padding)`을 완성하세요. 한 변이 n픽셀인 입력의 양쪽에 0을 "
        "padding개씩 붙이고, 크기 k인 창을 stride칸씩 옮길 때, 창이 그 변을 따라 몇 번 들어가는지 "
        "정수로 돌려줍니다.",
        en="Complete `output_size(n, k, stride, padding)`: a side of n pixels gets padding zeros on "
        "each end, and a window of k pixels moves stride pixels at a time; return, as an integer, "
        "how many times the window fits along that side.",
    ),
    reference=_output_size,
    cases=[
        Case((28, 3, 1, 0), "n = 28, k = 3, stride 1, no padding"),
        Case((28, 3, 2, 1), "n = 28, k = 3, stride 2, padding 1"),
        Case((7, 3, 2, 0), "n = 7, k = 3, stride 2, no padding"),
        Case((6, 3, 2, 0), "n = 6, k = 3, stride 2, no padding"),
        Case((5, 5, 1, 2), "n = 5, k = 5, stride 1, padding 2"),
    ],
    mistakes=[
        Mistake(
            "missing_one",
            behaves_like(lambda n, k, s, p: (n + 2 * p - k) // s),
            T(
                ko="1이 빠졌습니다. 첫 번째 창은 이동하지 않고도 들어갑니다. 그다음부터 이동할 때마다 "
                "하나씩 늘어납니다.",
                en="a 1 is missing: the first window fits without any move, and every move adds "
                "one more.",
            ),
        ),
        Mistake(
            "padding_once",
            behaves_like(lambda n, k, s, p: (n + p - k) // s + 1),
            T(
                ko="패딩을 한쪽에만 더했습니다. 0은 양쪽 끝에 padding개씩 붙습니다.",
                en="you added the padding once; there are padding zeros at each of the two ends.",
            ),
        ),
        Mistake(
            "rounded",
            behaves_like(lambda n, k, s, p: int(round((n + 2 * p - k) / s)) + 1),
            T(
                ko="나눗셈을 반올림했습니다. 마지막 창이 다 들어가지 않으면 그 창은 없으므로, 내림해야 "
                "합니다.",
                en="you rounded the division; a last window that does not fit in full does not "
                "count, so round down.",
            ),
        ),
        Mistake(
            "no_stride",
            behaves_like(lambda n, k, s, p: n + 2 * p - k + 1),
            T(
                ko="스트라이드를 빠뜨렸습니다. 창이 한 번에 stride칸씩 움직이면 들어가는 횟수가 그만큼 "
                "줄어듭니다.",
                en="the stride is missing: a window that moves stride pixels at a time fits that "
                "many times less often.",
            ),
        ),
    ],
    hints=[
        T(
            ko="패딩을 붙이면 한 변은 n + 2·padding픽셀입니다. 창의 왼쪽 끝이 설 수 있는 자리는 몇 "
            "개일까요?",
            en="With the padding, the side is n + 2·padding pixels. How many places can the "
            "window's left end take?",
        ),
        T(
            ko="왼쪽 끝은 0, stride, 2·stride, ... 이고 n + 2·padding − k를 넘지 않습니다. 정수 나눗셈 "
            "`//`를 쓰세요.",
            en="The left end is at 0, stride, 2·stride, ..., never past n + 2·padding − k. Use "
            "integer division, `//`.",
        ),
    ],
    solution="""
        def output_size(n, k, stride, padding):
            return (n + 2 * padding - k) // stride + 1
    """,
    explanation=T(
        ko='`conv_layers.output_size`가 같은 식을 계산합니다. Keras의 "valid"는 padding = 0이고, '
        '"same"은 출력이 ⌈n / stride⌉가 되도록 필요한 만큼 0을 붙입니다.',
        en='`conv_layers.output_size` computes the same formula. Keras\' "valid" is padding = 0; '
        '"same" adds as many zeros as it takes for ⌈n / stride⌉ outputs.',
    ),
    context=CONTEXT,
)

SHIFT = 2  # q2: pixels the image moves


def _pooled_shift() -> int:
    """How far a first layer's pooled output moves when its image moves SHIFT pixels right."""
    image = np.zeros((1, 16, 16, 1))
    image[0, 4:12, 5:7, 0] = 1.0  # a stroke down, and one across: a small "digit"
    image[0, 6, 5:11, 0] = 1.0
    W = np.random.default_rng(0).normal(size=(3, 3, 1, 4))  # four filters

    def pooled(x):  # conv 3x3 -> max pool 2x2, stride 2: (1, 7, 7, 4)
        return conv_layers.max_pool_forward(conv_layers.conv2d_forward(x, W)[0])[0]

    before = pooled(image)
    after = pooled(np.roll(image, SHIFT, axis=2))  # the strokes are far from the edge: no wrap

    def mismatch(moved):
        return np.abs(after[:, :, moved:] - before[:, :, : before.shape[2] - moved]).max()

    return min(range(SHIFT + 1), key=mismatch)


q2 = ValueExercise(
    PAGE,
    2,
    name="prediction",
    title=T(ko="옮긴 숫자, 풀링한 뒤", en="A moved digit, after pooling"),
    task=T(
        ko="숫자를 오른쪽으로 두 픽셀 옮깁니다. 첫 번째 합성곱층(3×3, 스트라이드 1)을 지나 2×2 최대 "
        "풀링(스트라이드 2)을 거친 특징 맵은 몇 칸 옮겨질까요? 먼저 예측하고, 그다음 셀로 확인하세요.",
        en="A digit is moved two pixels to the right. By how many positions does the feature map "
        "move after the first convolution (3×3, stride 1) and 2×2 max pooling (stride 2)? Predict "
        "first, then verify with the cell after it.",
    ),
    expected=_pooled_shift,
    answer_type="number",
    mistakes=[
        Mistake(
            "not_halved",
            answer_is(SHIFT),
            T(
                ko="그것은 합성곱 출력이 옮겨지는 칸 수입니다. 풀링은 두 칸마다 하나만 남깁니다.",
                en="that is how far the convolution's output moves; pooling keeps one position of "
                "every two.",
            ),
        ),
        Mistake(
            "pooling_forgives_all",
            answer_is(0),
            T(
                ko="풀링이 봐주는 것은 창 안에서의 작은 위치 차이입니다. 창 하나를 넘는 이동은 출력에 "
                "그대로 남습니다.",
                en="pooling forgives where a value is inside its window; a move past a whole window "
                "stays in the output.",
            ),
        ),
    ],
    hints=[
        T(
            ko="합성곱은 이미지를 옮긴 만큼 특징 맵을 옮깁니다. 풀링의 창은 두 칸씩 건너뜁니다.",
            en="A convolution moves its feature map as far as the image moved; pooling windows "
            "step two positions at a time.",
        ),
    ],
    solution="""
        prediction = 1
    """,
    explanation=T(
        ko="합성곱 출력은 두 칸, 스트라이드 2인 풀링 뒤에는 한 칸 옮겨집니다. 옮긴 거리가 홀수라면 풀링 "
        "창에 다른 값이 섞여 정확히 옮겨지지 않습니다. CNN이 작은 이동에 강하지만 완전히 무감하지는 "
        "않은 이유입니다.",
        en="The convolution's output moves two positions, the pooled map one. Had the digit moved "
        "an odd number of pixels, the pooling windows would mix other values and the map would "
        "not simply move: why a CNN copes with small shifts but is not blind to them.",
    ),
)


def _pool_backward(x, d_out):
    """The gradient of 2x2 max pooling (stride 2) on one image ``(h, w)``: d_out at each maximum."""
    _, cache = conv_layers.max_pool_forward(x[None, :, :, None])
    return conv_layers.max_pool_backward(d_out[None, :, :, None], cache)[0, :, :, 0]


def _pool_case(seed, shape, label):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)  # no ties: every window has one maximum
    return Case((x, rng.normal(size=(shape[0] // 2, shape[1] // 2))), label)


def _spread(x, d_out, scale=1.0):
    """A wrong backward pass: every input of a window gets the window's gradient (times scale)."""
    return scale * np.kron(d_out, np.ones((2, 2)))


def _to_the_minimum(x, d_out):
    return _pool_backward(-x, d_out)


q3 = FunctionExercise(
    PAGE,
    3,
    name="max_pool_backward",
    title=T(ko="최대 풀링의 역방향", en="Max pooling, backward"),
    task=T(
        ko="`max_pool_backward(x, d_out)`을 완성하세요. 한 장의 입력 x (h, w)(h와 w는 짝수)를 2×2 창, "
        "스트라이드 2로 최대 풀링했을 때, 출력의 기울기 d_out (h/2, w/2)로부터 x의 기울기 (h, w)를 "
        "돌려줍니다.",
        en="Complete `max_pool_backward(x, d_out)`: for one input x (h, w) (h and w even), max "
        "pooled in 2×2 windows with stride 2, return the gradient of x, shape (h, w), from the "
        "output's gradient d_out (h/2, w/2).",
    ),
    reference=_pool_backward,
    cases=[
        _pool_case(0, (4, 4), "x (4, 4), d_out (2, 2)"),
        _pool_case(1, (6, 4), "x (6, 4), d_out (3, 2)"),
    ],
    mistakes=[
        Mistake(
            "spread",
            behaves_like(_spread),
            T(
                ko="창의 기울기를 네 입력 모두에 주었습니다. 출력에 닿은 것은 최댓값 하나뿐이므로, 그 "
                "자리만 기울기를 받습니다.",
                en="you gave the window's gradient to all four inputs; only the maximum reached the "
                "output, so only its position gets it.",
            ),
        ),
        Mistake(
            "averaged",
            behaves_like(lambda x, d_out: _spread(x, d_out, 0.25)),
            T(
                ko="그것은 평균 풀링의 역방향입니다. 최대 풀링은 최댓값 자리에만 기울기를 그대로 보냅니다.",
                en="that is the backward pass of average pooling; max pooling sends the whole "
                "gradient to the maximum's position alone.",
            ),
        ),
        Mistake(
            "minimum",
            behaves_like(_to_the_minimum),
            T(
                ko="기울기가 창의 가장 작은 값으로 갔습니다. 가장 큰 값의 자리로 보내세요.",
                en="the gradient went to each window's smallest value; send it to the largest.",
            ),
        ),
    ],
    hints=[
        T(
            ko="x를 (h/2, 2, w/2, 2) 모양으로 바꾸면 창마다 값 네 개가 한데 모입니다.",
            en="Reshaped to (h/2, 2, w/2, 2), x holds each window's four values together.",
        ),
        T(
            ko="창마다 최댓값을 구해 x와 같은지 비교하면 최댓값 자리가 True인 마스크가 됩니다. 그 "
            "마스크에 d_out을 곱하세요(같은 값이 둘인 경우는 생각하지 않아도 됩니다).",
            en="Compare each window's maximum with x: the mask is True at the maximum. Multiply it "
            "by d_out (ties need no thought here).",
        ),
    ],
    solution="""
        def max_pool_backward(x, d_out):
            h, w = x.shape
            windows = x.reshape(h // 2, 2, w // 2, 2)
            is_max = windows == windows.max(axis=(1, 3), keepdims=True)
            return (is_max * d_out[:, None, :, None]).reshape(h, w)
    """,
    explanation=T(
        ko="`conv_layers.max_pool_backward`는 창마다 최댓값의 위치를 순방향에서 기억해 두고, 같은 값이 "
        "여럿이면 TensorFlow처럼 첫 번째에 기울기를 줍니다. 위의 풀이는 같은 값이 여럿이면 모두에 "
        "줍니다.",
        en="`conv_layers.max_pool_backward` remembers each window's maximum from the forward pass "
        "and, when several values tie, gives the gradient to the first one, as TensorFlow does. "
        "The solution above would give it to all of them.",
    ),
    context=CONTEXT,
)

EXERCISES = (q1, q2, q3)
