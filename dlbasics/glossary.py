"""The glossary: Korean term, English term, and where the idea lives in ``dlbasics``.

Every ``dlbasics`` name here is checked by the tests to exist, so the glossary cannot drift from
the package.
"""

from __future__ import annotations

import importlib

# (Korean, English, dlbasics name or "" when the idea has no single name in the package)
TERMS: list[tuple[str, str, str]] = [
    ("선형 회귀", "linear regression", "dlbasics.linear_regression.fit"),
    ("가설", "hypothesis H(x) = Wx + b", "dlbasics.linear_regression.predict"),
    ("가중치", "weight (W)", "dlbasics.mlp.MLP.params"),
    ("편향", "bias (b)", "dlbasics.mlp.MLP.params"),
    ("비용 함수", "cost function", "dlbasics.linear_regression.cost"),
    ("평균 제곱 오차", "mean squared error (MSE)", "dlbasics.losses.mean_squared_error"),
    ("경사 하강법", "gradient descent", "dlbasics.linear_regression.fit"),
    ("학습률", "learning rate", "dlbasics.optimizers.SGD"),
    ("발산", "divergence", "dlbasics.linear_regression.LinearRegressionHistory"),
    ("뉴런", "neuron", ""),
    ("퍼셉트론", "perceptron", "dlbasics.perceptron.train"),
    ("논리 게이트", "logic gate (AND, OR, NAND, XOR)", "dlbasics.perceptron.logic_gate"),
    ("선형 분리 가능", "linearly separable", ""),
    ("수렴", "convergence", "dlbasics.perceptron.PerceptronResult"),
    ("다층 퍼셉트론", "multi-layer perceptron (MLP)", "dlbasics.mlp.MLP"),
    ("은닉층", "hidden layer", "dlbasics.mlp.MLP"),
    ("출력층", "output layer", "dlbasics.mlp.MLP"),
    ("순전파", "forward pass", "dlbasics.mlp.MLP.predict"),
    ("역전파", "backpropagation", "dlbasics.mlp.MLP.loss_and_gradients"),
    ("연쇄 법칙", "chain rule", "dlbasics.activations.Activation.backward"),
    ("기울기(경사)", "gradient", "dlbasics.mlp.MLP.loss_and_gradients"),
    (
        "수치 미분",
        "numerical differentiation (central differences)",
        "dlbasics.gradient_check.numerical_gradient",
    ),
    ("기울기 확인", "gradient check", "dlbasics.gradient_check.check_model_gradients"),
    ("상대 오차", "relative error", "dlbasics.gradient_check.relative_error"),
    ("활성화 함수", "activation function", "dlbasics.activations.get_activation"),
    ("계단 함수", "step function", "dlbasics.activations.step"),
    ("시그모이드", "sigmoid", "dlbasics.activations.sigmoid"),
    ("쌍곡탄젠트", "hyperbolic tangent (tanh)", "dlbasics.activations.tanh"),
    ("렐루", "rectified linear unit (ReLU)", "dlbasics.activations.relu"),
    ("소프트맥스", "softmax", "dlbasics.activations.softmax"),
    ("기울기 소실", "vanishing gradient", "dlbasics.vanishing.layer_gradient_norms"),
    ("가중치 초기화", "weight initialization (Glorot, He)", "dlbasics.mlp.INITIALIZERS"),
    ("교차 엔트로피", "cross-entropy", "dlbasics.losses.cross_entropy"),
    ("원-핫 인코딩", "one-hot encoding", "dlbasics.preprocessing.one_hot"),
    ("정규화(0~1 스케일링)", "scaling to [0, 1]", "dlbasics.preprocessing.flatten_and_scale"),
    ("평탄화", "flattening", "dlbasics.preprocessing.flatten_and_scale"),
    ("미니배치", "minibatch", "dlbasics.mlp.MLP.fit"),
    ("에포크", "epoch", "dlbasics.mlp.MLP.fit"),
    ("옵티마이저", "optimizer", "dlbasics.optimizers.get_optimizer"),
    ("확률적 경사 하강법", "stochastic gradient descent (SGD)", "dlbasics.optimizers.SGD"),
    ("RMSprop", "RMSprop", "dlbasics.optimizers.RMSprop"),
    ("정확도", "accuracy", "dlbasics.mlp.MLP.evaluate"),
    ("검증 데이터", "validation data", "dlbasics.mlp.MLP.fit"),
    ("과적합", "overfitting", ""),
    ("합성곱 신경망", "convolutional neural network (CNN)", "dlbasics.cnn.build_cnn"),
    ("수용 영역", "receptive field", ""),
    ("합성곱", "convolution", "dlbasics.cnn.build_cnn"),
    ("풀링", "pooling", "dlbasics.cnn.build_cnn"),
]


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


def glossary_markdown() -> str:
    """The glossary as a Markdown table: 한국어 | English | dlbasics."""
    rows = ["| 한국어 | English | `dlbasics` |", "|---|---|---|"]
    for korean, english, name in TERMS:
        code = f"`{name.removeprefix('dlbasics.')}`" if name else "—"
        rows.append(f"| {korean} | {english} | {code} |")
    return "\n".join(rows)
