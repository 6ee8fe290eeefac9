"""Exercises for the page "The MNIST data": flattening and scaling, a layer's size, a pixel's place."""

from __future__ import annotations

import numpy as np

from ..mlp import glorot_uniform
from ..preprocessing import flatten_and_scale
from ._attempt import Case
from ._compare import close
from ._kinds import FunctionExercise, ValueExercise
from ._mistakes import Mistake, answer_is, behaves_like, has_shape, scaled_by, when
from ._text import Text as T

PAGE = "mnist-data"


def _images(n, seed):
    return np.random.default_rng(seed).integers(0, 256, size=(n, 28, 28), dtype=np.uint8)


def _flat(images):
    return images.reshape(images.shape[0], 28 * 28)


_extremes = np.zeros((1, 28, 28), dtype=np.uint8)
_extremes[0, 10:18, 5:20] = 255  # a bright stroke on a black background

q1 = FunctionExercise(
    PAGE,
    1,
    name="flatten_and_scale",
    title=T(ko="펴고 255로 나누기", en="Flatten and divide by 255"),
    task=T(
        ko="`flatten_and_scale(images)`를 완성하세요. uint8 이미지 (n, 28, 28)을 받아, 이미지마다 "
        "784개 값의 행 하나로 펴고 [0, 1]로 나눈 float32 배열 (n, 784)를 돌려줍니다. 입력 배열은 "
        "바꾸지 않습니다.",
        en="Complete `flatten_and_scale(images)`: take uint8 images (n, 28, 28) and return a "
        "float32 array (n, 784), one row of 784 values per image, scaled into [0, 1]. Leave the "
        "input array unchanged.",
    ),
    reference=flatten_and_scale,
    dtype=np.float32,
    cases=[
        Case((_images(3, 0),), "3 random images (3, 28, 28)"),
        Case((_extremes,), "1 image (1, 28, 28) of 0s and 255s"),
    ],
    mistakes=[
        Mistake(
            "not_scaled",
            behaves_like(lambda images: _flat(images).astype(np.float32)),
            T(
                ko="값이 255까지 갑니다. 255로 나누어 [0, 1]로 맞추세요.",
                en="your values go up to 255: divide by 255 to bring them into [0, 1].",
            ),
        ),
        Mistake(
            "integer_division",
            behaves_like(lambda images: (_flat(images) // 255).astype(np.float32)),
            T(
                ko="`//`는 정수 나눗셈입니다. 200 // 255는 0이어서 255가 아닌 픽셀은 모두 0이 됩니다.",
                en="`//` is integer division: 200 // 255 is 0, so every pixel below 255 becomes 0.",
            ),
        ),
        Mistake(
            "by_256",
            scaled_by(255 / 256),
            T(
                ko="256으로 나누었습니다. 가장 큰 픽셀 값은 255이므로 255가 정확히 1이 되어야 합니다.",
                en="you divided by 256: the largest pixel value is 255, and it must become exactly 1.",
            ),
        ),
        Mistake(
            "one_long_vector",
            has_shape(lambda shape, case: (shape[0] * shape[1],)),
            T(
                ko="모든 이미지를 긴 벡터 하나로 폈습니다. 이미지마다 한 행씩, (n, 784)로 두세요.",
                en="you flattened all images into one long vector: keep one row per image, (n, 784).",
            ),
        ),
        Mistake(
            "float64",
            when(
                lambda attempt: all(
                    getattr(out, "dtype", None) == np.float64 and close(out, want)
                    for out, want in zip(attempt.outputs, attempt.expected, strict=True)
                )
            ),
            T(
                ko="값은 맞지만 dtype이 float64입니다. Keras는 float32로 계산하고, float32는 메모리도 "
                "절반만 씁니다. float32로 바꾸세요.",
                en="the values are right, but the dtype is float64. Keras computes in float32, "
                "which also takes half the memory: convert to float32.",
            ),
        ),
    ],
    hints=[
        T(
            ko="`images.reshape(n, 784)`는 이미지의 행들을 차례로 이어 붙입니다. n은 `images.shape[0]`"
            "입니다.",
            en="`images.reshape(n, 784)` puts each image's rows one after another; n is "
            "`images.shape[0]`.",
        ),
        T(
            ko="펼친 배열을 `.astype(np.float32)`로 바꾼 다음 `/ 255`로 나누세요(`//`가 아닙니다).",
            en="Convert the flattened array with `.astype(np.float32)`, then divide with `/ 255` "
            "(not `//`).",
        ),
    ],
    solution="""
        def flatten_and_scale(images):
            n = images.shape[0]
            return images.reshape(n, 28 * 28).astype(np.float32) / 255
    """,
    explanation=T(
        ko="`reshape`는 새 배열을 만들지 않고 같은 데이터를 다른 모양으로 봅니다. `astype`이 새 "
        "배열을 만들므로 입력은 그대로입니다. `dlbasics.preprocessing.flatten_and_scale`도 같은 "
        "한 줄입니다.",
        en="`reshape` makes no new array, only a new view of the same data; `astype` makes the "
        "new array, so the input stays as it was. `dlbasics.preprocessing.flatten_and_scale` is "
        "the same line.",
    ),
)


def _dense_params() -> int:
    W = glorot_uniform(784, 128, np.random.default_rng(0))  # (784, 128)
    b = np.zeros(128)  # (128,)
    return W.size + b.size


q2 = ValueExercise(
    PAGE,
    2,
    name="prediction",
    title=T(ko="Dense 층의 파라미터 수", en="The parameters of a Dense layer"),
    task=T(
        ko="784개의 입력을 128개의 유닛에 연결하는 Dense 층에는 파라미터가 몇 개일까요? 먼저 "
        "계산하고, 그다음 셀로 확인하세요.",
        en="How many parameters does a Dense layer from 784 inputs to 128 units have? Work it "
        "out first, then verify with the cell after.",
    ),
    expected=_dense_params,
    answer_type="number",
    mistakes=[
        Mistake(
            "weights_only",
            answer_is(784 * 128),
            T(
                ko="가중치만 세었습니다. 유닛마다 편향도 하나씩 있습니다.",
                en="you counted the weights; each unit also has a bias.",
            ),
        ),
        Mistake(
            "added",
            answer_is(784 + 128),
            T(
                ko="크기를 더했습니다. 입력 하나하나가 유닛 하나하나에 연결되므로 곱해야 합니다.",
                en="you added the sizes; every input connects to every unit, so multiply.",
            ),
        ),
        Mistake(
            "bias_per_input",
            answer_is(784 * 128 + 784),
            T(
                ko="편향은 입력마다가 아니라 유닛마다 하나입니다.",
                en="there is one bias per unit, not one per input.",
            ),
        ),
    ],
    hints=[
        T(
            ko="W의 모양은 (784, 128), b의 모양은 (128,)입니다.",
            en="W has shape (784, 128) and b has shape (128,).",
        ),
    ],
    solution="""
        prediction = 784 * 128 + 128
    """,
    explanation=T(
        ko="가중치 784 × 128 = 100,352개와 편향 128개, 모두 100,480개입니다. 이 페이지의 첫 층(392 "
        "유닛)이 307,720개인 것과 같은 셈입니다.",
        en="784 × 128 = 100,352 weights and 128 biases: 100,480 in all, counted the way this "
        "page counted 307,720 for its first layer of 392 units.",
    ),
)


def _flat_index() -> int:
    image = np.arange(28 * 28).reshape(28, 28)  # every pixel holds its own flat index
    return int(image[5, 3])


q3 = ValueExercise(
    PAGE,
    3,
    name="flat_index",
    title=T(ko="픽셀은 어디로 갈까?", en="Where does a pixel go?"),
    task=T(
        ko="28×28 이미지를 `reshape(784)`로 펴면, 5행 3열의 픽셀(`image[5, 3]`, 0부터 셉니다)은 몇 "
        "번째 값이 될까요? 인덱스를 숫자로 넣으세요.",
        en="When a 28×28 image is flattened with `reshape(784)`, which entry does the pixel in "
        "row 5, column 3 (`image[5, 3]`, counting from 0) become? Enter the index as a number.",
    ),
    expected=_flat_index,
    answer_type="number",
    mistakes=[
        Mistake(
            "rows_and_columns",
            answer_is(3 * 28 + 5),
            T(
                ko="행과 열을 바꾸었습니다. `reshape`는 행을 차례로 이어 붙이므로 한 행이 28개 값을 "
                "차지합니다.",
                en="you swapped rows and columns: `reshape` lays the rows one after another, so "
                "each row takes up 28 values.",
            ),
        ),
        Mistake(
            "multiplied",
            answer_is(5 * 3),
            T(
                ko="행 번호와 열 번호를 곱했습니다. 앞의 행들이 모두 몇 개의 값을 차지하는지 세어 보세요.",
                en="you multiplied the row by the column; count how many values the rows above "
                "take up.",
            ),
        ),
        Mistake(
            "counting_from_one",
            when(lambda attempt: attempt.answer in (6 * 28 + 4, 5 * 28 + 4, 6 * 28 + 3)),
            T(
                ko="1부터 센 것 같습니다. NumPy의 인덱스는 행도 열도 0부터 셉니다.",
                en="that looks like counting from 1; NumPy counts rows and columns from 0.",
            ),
        ),
    ],
    hints=[
        T(
            ko="5행 앞에는 0행부터 4행까지 다섯 행이 있고, 한 행은 28개 값입니다.",
            en="Rows 0 to 4, five rows of 28 values each, come before row 5.",
        ),
    ],
    solution="""
        flat_index = 28 * 5 + 3
    """,
    explanation=T(
        ko="r행 c열의 픽셀은 28r + c번째 값이 됩니다. 28 × 5 + 3 = 143입니다.",
        en="The pixel in row r, column c becomes entry 28r + c: 28 × 5 + 3 = 143.",
    ),
)

EXERCISES = (q1, q2, q3)
