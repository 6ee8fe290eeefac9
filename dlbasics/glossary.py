"""The glossary: every term the pages teach, in Korean and English, where it is taught, and where
the idea lives in ``dlbasics``.

Each :class:`Term` names the page and the section (its heading in both languages) where the term
is first set in bold, the pages' mark for a term being taught. The tests check all of it against
the pages and the package: every bold term of every page is here, every section exists and bolds
its term, and every ``dlbasics`` name exists. This module never reads the pages; the data flows
from the package to the pages only.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

LANGUAGES = ("ko", "en")

# The pages' titles (their first heading), for the links: page -> (Korean, English).
PAGE_TITLES: dict[str, tuple[str, str]] = {
    "linear-regression": ("선형 회귀", "Linear regression"),
    "gradient-descent": ("경사 하강법", "Gradient descent"),
    "perceptron": ("퍼셉트론과 논리 게이트", "The perceptron and logic gates"),
    "mlp-xor": ("다층 퍼셉트론으로 XOR 풀기", "Solving XOR with a multi-layer perceptron"),
    "backpropagation": ("역전파", "Backpropagation"),
    "activations": ("활성화 함수", "Activation functions"),
    "vanishing-gradients": ("기울기 소실", "Vanishing gradients"),
    "mnist-data": ("MNIST 데이터", "The MNIST data"),
    "softmax-cross-entropy": ("소프트맥스와 교차 엔트로피", "Softmax and cross-entropy"),
    "keras-mlp": ("Keras로 만드는 MLP", "An MLP in Keras"),
    "numpy-mlp": ("NumPy로 만드는 MLP", "An MLP in NumPy"),
    "optimizers": (
        "옵티마이저: SGD, 모멘텀, RMSprop, Adam",
        "Optimizers: SGD, momentum, RMSprop, Adam",
    ),
    "regularization": ("과대적합과 규제", "Overfitting and regularization"),
    "cnn": ("합성곱 신경망(CNN)", "Convolutional neural networks (CNN)"),
    "numpy-cnn": ("NumPy로 밑바닥부터 만드는 CNN", "A CNN from scratch in NumPy"),
}


@dataclass(frozen=True)
class Term:
    """One term: its Korean and English names as the pages bold them, where it is taught.

    ``section`` is the heading (Korean, English) of the section of ``page`` that teaches it; the
    page's title when it is taught in the introduction. ``name`` is the ``dlbasics`` object that
    implements the idea ("" when no single name does). ``ko_also``/``en_also`` are other forms the
    pages bold (a plural, a verb); ``ko_note`` is shown after the Korean name.
    """

    ko: str
    en: str
    page: str
    section: tuple[str, str]
    name: str = ""
    ko_also: tuple[str, ...] = ()
    en_also: tuple[str, ...] = ()
    ko_note: str = ""

    def names(self, language: str) -> tuple[str, ...]:
        """Every form of the term the pages may bold in ``language``."""
        if language == "ko":
            return (self.ko, *self.ko_also)
        return (self.en, *self.en_also)


def _page(page: str) -> tuple[str, str]:
    return PAGE_TITLES[page]


_HYPOTHESIS = ("가설: $H(x) = Wx + b$", "The hypothesis: $H(x) = Wx + b$")
_COST = ("비용 함수", "The cost function")
_FOUR_ACTIVATIONS = ("네 가지 활성화 함수와 도함수", "Four activations and their derivatives")
_CONVOLUTION = ("합성곱", "Convolution")
_POOLING = ("풀링", "Pooling")
_THREE_THINGS = ("빠르고 정확하게 만든 세 가지", "Three things that make it fast and accurate")
_TEST_VALIDATION = ("테스트 데이터로 검증하면 안 되는 이유", "Why not validate on the test set")
_SMALL_MLP = ("작은 다층 퍼셉트론", "A small MLP")
_GRADIENT_CHECK = ("기울기 확인", "Gradient check")
_LOGISTIC = ("두 클래스: 로지스틱 회귀", "Two classes: logistic regression")
_ONE_HOT = ("원-핫 인코딩", "One-hot encoding")
_LEARNING_RATE = ("학습률 정하기", "Choosing the learning rate")
_PERCEPTRON_RULE = ("퍼셉트론 학습 규칙", "The perceptron learning rule")
_L2 = ("L2 가중치 감쇠", "L2 weight decay")
_STRIDE = ("배치, 채널, 스트라이드, 패딩", "Batches, channels, stride and padding")

TERMS: list[Term] = [
    # linear regression
    Term("회귀", "regression", "linear-regression", _page("linear-regression")),
    Term("선형 회귀", "linear regression", "linear-regression", _page("linear-regression"),
         "dlbasics.linear_regression.fit"),
    Term("가설", "hypothesis", "linear-regression", _HYPOTHESIS,
         "dlbasics.linear_regression.predict"),
    Term("가중치", "weight", "linear-regression", _HYPOTHESIS, "dlbasics.mlp.MLP.params"),
    Term("편향", "bias", "linear-regression", _HYPOTHESIS, "dlbasics.mlp.MLP.params"),
    Term("비용 함수", "cost function", "linear-regression", _COST,
         "dlbasics.linear_regression.cost"),
    Term("평균 제곱 오차", "mean squared error", "linear-regression", _COST,
         "dlbasics.losses.mean_squared_error"),
    Term("볼록 함수", "convex function", "linear-regression",
         ("비용 함수의 모양", "The shape of the cost function"),
         "dlbasics.linear_regression.cost_curve", en_also=("convex",)),
    Term("최소 제곱법", "least squares", "linear-regression",
         ("비용이 가장 작은 직선 찾기", "Finding the line with the smallest cost")),
    # gradient descent
    Term("경사 하강법", "gradient descent", "gradient-descent", _page("gradient-descent"),
         "dlbasics.linear_regression.fit"),
    Term("기울기", "gradient", "gradient-descent", _page("gradient-descent"),
         "dlbasics.mlp.MLP.loss_and_gradients"),
    Term("수치 미분", "numerical derivative", "gradient-descent",
         ("기울기 구하기", "Computing the gradient"),
         "dlbasics.gradient_check.numerical_gradient"),
    Term("학습률", "learning rate", "gradient-descent", ("한 걸음 내려가기", "One step downhill"),
         "dlbasics.optimizers.SGD"),
    Term("하이퍼파라미터", "hyperparameter", "gradient-descent", _LEARNING_RATE),
    Term("발산", "divergence", "gradient-descent", _LEARNING_RATE,
         "dlbasics.linear_regression.LinearRegressionHistory"),
    # the perceptron
    Term("뉴런", "neuron", "perceptron", _page("perceptron")),
    Term("퍼셉트론", "perceptron", "perceptron", _page("perceptron"), "dlbasics.perceptron.train"),
    Term("논리 게이트", "logic gate", "perceptron",
         ("손으로 만드는 뉴런: AND 게이트", "A neuron by hand: the AND gate"),
         "dlbasics.perceptron.logic_gate"),
    Term("에포크", "epoch", "perceptron", _PERCEPTRON_RULE, "dlbasics.mlp.MLP.fit"),
    Term("수렴", "convergence", "perceptron", _PERCEPTRON_RULE,
         "dlbasics.perceptron.PerceptronResult"),
    Term("결정 경계", "decision boundary", "perceptron", ("결정 경계", "Decision boundaries"),
         "dlbasics.plots.plot_decision_boundary"),
    Term("선형 분리 가능", "linearly separable", "perceptron",
         ("XOR: 직선 하나로는 나눌 수 없는 문제", "XOR: no straight line works")),
    # the multi-layer perceptron
    Term("은닉층", "hidden layer", "mlp-xor", _page("mlp-xor"), "dlbasics.mlp.MLP"),
    Term("다층 퍼셉트론", "multi-layer perceptron", "mlp-xor", _page("mlp-xor"),
         "dlbasics.mlp.MLP"),
    Term("출력층", "output layer", "mlp-xor", _page("mlp-xor"), "dlbasics.mlp.MLP"),
    Term("손실 함수", "loss function", "mlp-xor", _SMALL_MLP, "dlbasics.losses"),
    Term("확률적 경사 하강법", "stochastic gradient descent", "mlp-xor", _SMALL_MLP,
         "dlbasics.optimizers.SGD"),
    Term("미니배치", "minibatch", "mlp-xor", _SMALL_MLP, "dlbasics.mlp.MLP.fit",
         en_also=("minibatches",)),
    Term("정확도", "accuracy", "mlp-xor", ("예측 결과 진리표", "The truth table of predictions"),
         "dlbasics.mlp.MLP.evaluate"),
    Term("표현", "representation", "mlp-xor", ("은닉층이 하는 일", "What the hidden layer does")),
    # backpropagation
    Term("역전파", "backpropagation", "backpropagation", _page("backpropagation"),
         "dlbasics.mlp.MLP.loss_and_gradients"),
    Term("순전파", "forward pass", "backpropagation",
         ("순전파를 손으로", "The forward pass, by hand"), "dlbasics.mlp.MLP.predict"),
    Term("연쇄 법칙", "chain rule", "backpropagation",
         ("역전파: 연쇄 법칙", "The backward pass: the chain rule"),
         "dlbasics.activations.Activation.backward"),
    Term("기울기 확인", "gradient check", "backpropagation", _GRADIENT_CHECK,
         "dlbasics.gradient_check.check_model_gradients"),
    Term("상대 오차", "relative error", "backpropagation", _GRADIENT_CHECK,
         "dlbasics.gradient_check.relative_error"),
    # activations
    Term("활성화 함수", "activation function", "activations", _page("activations"),
         "dlbasics.activations.get_activation"),
    Term("계단 함수", "step function", "activations", _FOUR_ACTIVATIONS,
         "dlbasics.activations.step", en_also=("step",)),
    Term("시그모이드", "sigmoid", "activations", _FOUR_ACTIVATIONS,
         "dlbasics.activations.sigmoid"),
    Term("tanh", "tanh", "activations", _FOUR_ACTIVATIONS, "dlbasics.activations.tanh",
         ko_note="(쌍곡탄젠트)"),
    Term("ReLU", "ReLU", "activations", _FOUR_ACTIVATIONS, "dlbasics.activations.relu",
         ko_note="(렐루)"),
    Term("포화", "saturation", "activations", ("기울기를 숫자로 보기", "The slopes in numbers"),
         "dlbasics.activations.sigmoid_derivative", en_also=("saturate",)),
    # vanishing gradients
    Term("기울기 소실", "vanishing gradient", "vanishing-gradients", _page("vanishing-gradients"),
         "dlbasics.vanishing.layer_gradient_norms"),
    Term("가중치 초기화", "weight initialization", "vanishing-gradients", ("실험", "The experiment"),
         "dlbasics.mlp.INITIALIZERS"),
    Term("Glorot 초기화", "Glorot initialization", "vanishing-gradients",
         ("이유: 층마다 최대 0.25배", "Why: a factor of at most 0.25 per layer"),
         "dlbasics.mlp.glorot_uniform"),
    Term("He 초기화", "He initialization", "vanishing-gradients",
         ("ReLU가 도움이 되는 이유", "Why ReLU helps"), "dlbasics.mlp.he_normal"),
    # MNIST
    Term("MNIST", "MNIST", "mnist-data", _page("mnist-data"), "dlbasics.mnist.load_mnist"),
    Term("평탄화", "flattening", "mnist-data", ("784개의 숫자로 펴기", "Flattening to 784 numbers"),
         "dlbasics.preprocessing.flatten_and_scale"),
    Term("스케일 조정", "scaling", "mnist-data", ("255로 나누기", "Dividing by 255"),
         "dlbasics.preprocessing.flatten_and_scale"),
    Term("범주형 데이터", "categorical data", "mnist-data", _ONE_HOT),
    Term("원-핫 인코딩", "one-hot encoding", "mnist-data", _ONE_HOT,
         "dlbasics.preprocessing.one_hot"),
    # softmax and cross-entropy
    Term("소프트맥스", "softmax", "softmax-cross-entropy", _page("softmax-cross-entropy"),
         "dlbasics.activations.softmax"),
    Term("로짓", "logit", "softmax-cross-entropy", _page("softmax-cross-entropy"),
         en_also=("logits",)),
    Term("교차 엔트로피", "cross-entropy", "softmax-cross-entropy", _page("softmax-cross-entropy"),
         "dlbasics.losses.cross_entropy"),
    Term("로지스틱 회귀", "logistic regression", "softmax-cross-entropy", _LOGISTIC,
         "dlbasics.activations.sigmoid"),
    Term("이진 교차 엔트로피", "binary cross-entropy", "softmax-cross-entropy", _LOGISTIC),
    # the MLPs
    Term("옵티마이저", "optimizer", "keras-mlp", _page("keras-mlp"),
         "dlbasics.optimizers.get_optimizer"),
    Term("배치 크기", "batch size", "keras-mlp",
         ("학습: fit과 evaluate", "Training: fit and evaluate"), "dlbasics.mlp.MLP.fit"),
    Term("검증 데이터", "validation data", "keras-mlp", _TEST_VALIDATION, "dlbasics.mlp.MLP.fit"),
    Term("테스트 데이터", "test data", "keras-mlp", _TEST_VALIDATION),
    Term("홀드아웃", "holdout", "keras-mlp", _TEST_VALIDATION,
         "dlbasics.mnist_runs.prepare_data"),
    Term("RMSprop", "RMSprop", "numpy-mlp",
         ("배치 하나의 순전파와 역전파", "Forward and backward through one batch"),
         "dlbasics.optimizers.RMSprop"),
    # optimizers
    Term("모멘텀", "momentum", "optimizers", ("모멘텀: 계속 굴러가는 공", "Momentum: a ball that keeps rolling"),
         "dlbasics.optimizers.SGD"),
    Term("Adam", "Adam", "optimizers", ("Adam: 모멘텀과 RMSprop을 함께", "Adam: momentum and RMSprop together"),
         "dlbasics.optimizers.Adam"),
    Term("편향 보정", "bias correction", "optimizers",
         ("Adam: 모멘텀과 RMSprop을 함께", "Adam: momentum and RMSprop together"),
         "dlbasics.optimizers.Adam.corrected_learning_rate"),
    Term("조건수", "condition number", "optimizers", ("학습률의 한계", "The largest learning rate that works")),
    Term("표준화", "standardization", "optimizers",
         ("특성 스케일링: 골짜기가 둥근 그릇이 됩니다", "Feature scaling: the valley becomes a bowl")),
    Term("전체 배치", "full batch", "optimizers",
         ("미니배치: 흔들리는 기울기, 훨씬 많은 걸음", "Mini-batches: a noisy gradient, many more steps"),
         "dlbasics.linear_regression.fit"),
    # overfitting and regularization
    Term("과대적합", "overfitting", "regularization", _page("regularization"),
         "dlbasics.overfitting.overfitting_runs"),
    Term("L2 규제", "L2 regularization", "regularization", _L2,
         "dlbasics.regularization.l2_penalty"),
    Term("가중치 감쇠", "weight decay", "regularization", _L2,
         "dlbasics.regularization.l2_gradient"),
    Term("드롭아웃", "dropout", "regularization", ("드롭아웃", "Dropout"),
         "dlbasics.regularization.dropout_mask"),
    Term("역 드롭아웃", "inverted dropout", "regularization", ("드롭아웃", "Dropout"),
         "dlbasics.regularization.dropout_mask"),
    Term("조기 종료", "early stopping", "regularization", ("조기 종료", "Early stopping"),
         "dlbasics.regularization.EarlyStopping"),
    # convolutional networks
    Term("합성곱 신경망", "convolutional neural network", "cnn", _page("cnn"),
         "dlbasics.cnn.build_cnn"),
    Term("수용 영역", "receptive field", "cnn",
         ("시각 피질의 수용 영역", "Receptive fields in the visual cortex")),
    Term("필터", "filter", "cnn", _CONVOLUTION, "dlbasics.convolution.kernel"),
    Term("합성곱", "convolution", "cnn", _CONVOLUTION, "dlbasics.convolution.conv2d"),
    Term("특징 맵", "feature map", "cnn", _CONVOLUTION, "dlbasics.convolution.conv2d"),
    Term("가중치 공유", "weight sharing", "cnn", _CONVOLUTION),
    Term("풀링", "pooling", "cnn", _POOLING, "dlbasics.convolution.max_pool2d"),
    Term("최대 풀링", "max pooling", "cnn", _POOLING, "dlbasics.convolution.max_pool2d"),
    Term("배치 정규화", "batch normalization", "cnn", _THREE_THINGS, "dlbasics.cnn.conv_stack"),
    Term("학습률 스케줄", "learning-rate schedule", "cnn", _THREE_THINGS,
         "dlbasics.schedules.learning_rate_at"),
    Term("워밍업", "warm-up", "cnn", _THREE_THINGS, "dlbasics.schedules.learning_rate_at"),
    # a CNN from scratch
    Term("스트라이드", "stride", "numpy-cnn", _STRIDE, "dlbasics.conv_layers.output_size"),
    Term("패딩", "padding", "numpy-cnn", _STRIDE, "dlbasics.conv_layers.padding_amounts"),
    Term("im2col", "im2col", "numpy-cnn",
         ("합성곱은 행렬 곱입니다(im2col)", "A convolution is a matrix product (im2col)"),
         "dlbasics.conv_layers.conv2d_forward"),
    Term("col2im", "col2im", "numpy-cnn", ("역방향 계산", "The backward pass"),
         "dlbasics.conv_layers.conv2d_backward"),
]  # fmt: skip


def resolve(name: str):
    """Import ``'dlbasics.module.attr.attr'`` and return the object; raise if it does not exist."""
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attr in parts[split:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(f"no module in {name!r}")


def heading_id(heading: str) -> str:
    """The id a heading gets on the built page (Python-Markdown's ``slugify_unicode``)."""
    text = re.sub(r"[^\w\s-]", "", heading).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


_HEADERS = {
    "ko": "| 한국어 | English | 배우는 곳 | `dlbasics` |",
    "en": "| English | 한국어 | Where it is taught | `dlbasics` |",
}


def glossary_markdown(language: str | None = None) -> str:
    """The glossary as a Markdown table in ``language`` ('ko' or 'en'; default: the page's).

    Each row links the term to the section that teaches it (``page.md#id``; the site build turns
    it into the page's address). The default language is the one the plots use
    (:func:`dlbasics.plots.language`: the page's, on the site).
    """
    if language is None:
        from .plots import language as page_language

        language = page_language()
    if language not in LANGUAGES:
        raise ValueError(f"language must be 'ko' or 'en', got {language!r}")
    index = LANGUAGES.index(language)
    rows = [_HEADERS[language], "|---|---|---|---|"]
    for term in TERMS:
        korean = f"{term.ko}{term.ko_note}"
        heading = term.section[index]
        title = PAGE_TITLES[term.page][index]
        where = title if heading == title else f"{title} › {heading}"
        link = f"[{where}]({term.page}.md#{heading_id(heading)})"
        code = f"`{term.name.removeprefix('dlbasics.')}`" if term.name else "—"
        first, second = (korean, term.en) if language == "ko" else (term.en, korean)
        rows.append(f"| {first} | {second} | {link} | {code} |")
    return "\n".join(rows)
