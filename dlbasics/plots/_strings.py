"""The plots' words: both tables of strings, and the language plots are labelled in.

A module of its own so that :mod:`._describe` (the text alternatives) and :mod:`._core` (the
style every plot shares, which attaches the descriptions in Jupyter) both read it, without a circle.
"""

from __future__ import annotations

from .._language import LANGUAGES, resolve_language
from .._validation import check_choice

_STRINGS = {
    "ko": {
        "x": "입력 x",
        "y": "정답 y",
        "data": "데이터",
        "W": "가중치 W",
        "cost": "비용 cost(W, b)",
        "cost_of_W": "비용 cost(W)",
        "cost_curve_title": "W에 따른 비용 (b = {b:g}로 고정)",
        "descent_path": "경사 하강 경로",
        "start": "시작",
        "end": "끝",
        "step": "경사 하강 단계",
        "cost_history_title": "단계별 비용",
        "learning_rate_title": "학습률에 따른 비용의 변화",
        "learning_rate": "학습률 α = {alpha:g}",
        "diverged": "발산",
        "fit_title": "데이터와 가설 H(x) = Wx + b",
        "b": "편향 b",
        "cost_surface_title": "(W, b)에 따른 비용: 등고선",
        # perceptron, MLP and XOR pages
        "x1": "입력 x₁",
        "x2": "입력 x₂",
        "decision_boundary": "결정 경계",
        "boundary_title": "{name}: 결정 경계",
        "target_is": "정답 {label}",
        "misclassified": "틀리게 분류한 점",
        "epoch": "에포크",
        "errors": "틀리게 분류한 샘플 수",
        "errors_title": "에포크별 오분류 개수",
        "h1": "은닉 유닛 h₁의 출력",
        "h2": "은닉 유닛 h₂의 출력",
        "hidden_title": "은닉층의 출력 공간에서 본 XOR",
        # activations and vanishing-gradient pages
        "act_step": "계단 함수 (step)",
        "act_sigmoid": "시그모이드 (sigmoid)",
        "act_tanh": "하이퍼볼릭 탄젠트 (tanh)",
        "act_relu": "ReLU",
        "act_linear": "항등 함수 (linear)",
        "max_value": "최댓값 {value:.2f}",
        "activation_row": "활성화 함수 f(z)",
        "derivative_row": "도함수 f′(z)",
        "layer": "층 (입력 쪽부터)",
        "gradient_norm": "기울기 크기 ‖dW‖",
        "vanishing_title": "층별 기울기 크기 (로그 눈금)",
        # softmax and cross-entropy page
        "p_true": "정답 클래스의 예측 확률 p",
        "loss_axis": "손실",
        "loss_vs_p_title": "정답 확률에 따른 손실",
        "cross_entropy_curve": "교차 엔트로피 −log p",
        "mse_curve": "평균 제곱 오차 (MSE)",
        "confidently_wrong": "자신 있게 틀린 구간",
        "cross_entropy_grad": "교차 엔트로피: |p − y|",
        "mse_grad": "평균 제곱 오차 (소프트맥스를 거친 기울기)",
        "logit_gradient": "로짓에 대한 기울기 크기 |∂L/∂z|",
        "gradients_title": "정답 확률에 따른 기울기 크기",
        # MNIST pages: data, the MLPs, the CNN
        "digit_title": "정답 레이블 {label}",
        "digit_shape": "{height}×{width} 픽셀",
        "conv_image": "입력 이미지 ({height}×{width})",
        "conv_kernel": "필터 ({height}×{width})",
        "conv_feature_map": "합성곱 결과 ({height}×{width})",
        "conv_pooled": "ReLU + 최대 풀링 ({height}×{width})",
        "epoch_seconds": "에포크 1회에 걸린 시간 (초)",
        "epoch_times_title": "MNIST 에포크 1회의 시간",
        "impl_numpy": "NumPy (dlbasics.mlp)",
        "impl_keras": "Keras (TensorFlow)",
        "impl_floor": "BLAS 하한 (행렬 곱만)",
        "optimizer_step": "옵티마이저 단계 (배치)",
        "learning_rate_axis": "학습률",
        "schedule_title": "학습률 스케줄: 워밍업 후 0까지 직선으로 감소",
        "epoch_boundary": "에포크 경계",
        # optimizers, regularization and NumPy CNN pages
        "cost_gap": "비용 − 최솟값",
        "cost_gap_title": "단계별로 최솟값까지 남은 비용 (로그 눈금)",
        "batch": "배치",
        "batch_loss": "배치의 손실",
        "batch_loss_title": "MNIST 1에포크: 배치별 손실",
        "paths_title": "같은 출발점, {n_steps}단계",
        "minimum": "최솟값",
        "train_curve": "{label} (훈련)",
        "val_curve": "{label} (검증)",
        "accuracy_axis": "정확도",
        "curves_loss_title": "손실: 훈련 데이터와 검증 데이터",
        "curves_accuracy_title": "정확도: 훈련 데이터와 검증 데이터",
        "label_baseline": "규제 없음",
        "label_l2": "L2 가중치 감쇠",
        "label_dropout": "드롭아웃",
        "label_early_stopping": "조기 종료",
        "label_full_batch": "전체 배치 (점 50개)",
        "label_mini_batch": "미니배치 (점 10개씩)",
        "stopped_here": "멈춘 곳",
        "filter_title": "필터 {number}",
        "filters_title": "첫 번째 층의 필터 {n}개 (학습 후)",
        "feature_maps_title": "첫 번째 층의 특징 맵 (합성곱 + 편향, {height}×{width})",
        "shift_axis": "오른쪽으로 옮긴 픽셀 수",
        "test_accuracy_axis": "테스트 정확도",
        "shift_title": "숫자를 옮겼을 때의 테스트 정확도",
        # text alternatives (plots._describe): what a screen reader says instead of the picture
        "alt_kind_image": "이미지",
        "alt_kind_regions": "색으로 나눈 영역",
        "alt_kind_contour": "등고선",
        "alt_kind_bars": "막대 그래프",
        "alt_kind_scatter": "산점도",
        "alt_kind_line": "선 그래프",
        "alt_x_axis": "가로축",
        "alt_y_axis": "세로축",
        "alt_log_scale": "로그 눈금",
        "alt_range": "{low}부터 {high}까지",
        "alt_bars": "막대",
        "alt_legend": "범례",
        "alt_panels": "그래프 {n}개.",
        "alt_images": "이미지 {n}개",
        "alt_empty": "빈 그림",
    },
    "en": {
        "x": "input x",
        "y": "target y",
        "data": "data",
        "W": "weight W",
        "cost": "cost(W, b)",
        "cost_of_W": "cost(W)",
        "cost_curve_title": "Cost as a function of W (b fixed at {b:g})",
        "descent_path": "gradient descent path",
        "start": "start",
        "end": "end",
        "step": "gradient descent step",
        "cost_history_title": "Cost at each step",
        "learning_rate_title": "How the learning rate changes the cost",
        "learning_rate": "learning rate α = {alpha:g}",
        "diverged": "diverged",
        "fit_title": "The data and the hypothesis H(x) = Wx + b",
        "b": "bias b",
        "cost_surface_title": "Cost over (W, b): contour lines",
        # perceptron, MLP and XOR pages
        "x1": "input x₁",
        "x2": "input x₂",
        "decision_boundary": "decision boundary",
        "boundary_title": "{name}: decision boundary",
        "target_is": "target {label}",
        "misclassified": "misclassified",
        "epoch": "epoch",
        "errors": "misclassified samples",
        "errors_title": "Misclassified samples in each epoch",
        "h1": "output of hidden unit h₁",
        "h2": "output of hidden unit h₂",
        "hidden_title": "XOR as the hidden layer sees it",
        # activations and vanishing-gradient pages
        "act_step": "step",
        "act_sigmoid": "sigmoid",
        "act_tanh": "tanh",
        "act_relu": "ReLU",
        "act_linear": "linear (identity)",
        "max_value": "max {value:.2f}",
        "activation_row": "activation f(z)",
        "derivative_row": "derivative f′(z)",
        "layer": "layer (input side first)",
        "gradient_norm": "gradient norm ‖dW‖",
        "vanishing_title": "Gradient norm in each layer (log scale)",
        # softmax and cross-entropy page
        "p_true": "predicted probability of the true class, p",
        "loss_axis": "loss",
        "loss_vs_p_title": "Loss vs the probability of the true class",
        "cross_entropy_curve": "cross-entropy −log p",
        "mse_curve": "mean squared error (MSE)",
        "confidently_wrong": "confidently wrong",
        "cross_entropy_grad": "cross-entropy: |p − y|",
        "mse_grad": "mean squared error (gradient through softmax)",
        "logit_gradient": "gradient size at the logit, |∂L/∂z|",
        "gradients_title": "Gradient size vs the probability of the true class",
        # MNIST pages: data, the MLPs, the CNN
        "digit_title": "label {label}",
        "digit_shape": "{height}×{width} pixels",
        "conv_image": "input image ({height}×{width})",
        "conv_kernel": "filter ({height}×{width})",
        "conv_feature_map": "after the convolution ({height}×{width})",
        "conv_pooled": "ReLU + max pooling ({height}×{width})",
        "epoch_seconds": "seconds for one epoch",
        "epoch_times_title": "Time for one MNIST epoch",
        "impl_numpy": "NumPy (dlbasics.mlp)",
        "impl_keras": "Keras (TensorFlow)",
        "impl_floor": "BLAS floor (matrix products only)",
        "optimizer_step": "optimizer step (batch)",
        "learning_rate_axis": "learning rate",
        "schedule_title": "Learning-rate schedule: warm-up, then a straight line down to 0",
        "epoch_boundary": "epoch boundary",
        # optimizers, regularization and NumPy CNN pages
        "cost_gap": "cost − minimum",
        "cost_gap_title": "Cost left above the minimum at each step (log scale)",
        "batch": "batch",
        "batch_loss": "loss of the batch",
        "batch_loss_title": "One MNIST epoch: the loss of each batch",
        "paths_title": "Same start, {n_steps} steps",
        "minimum": "minimum",
        "train_curve": "{label} (training)",
        "val_curve": "{label} (validation)",
        "accuracy_axis": "accuracy",
        "curves_loss_title": "Loss: training and validation data",
        "curves_accuracy_title": "Accuracy: training and validation data",
        "label_baseline": "no regularization",
        "label_l2": "L2 weight decay",
        "label_dropout": "dropout",
        "label_early_stopping": "early stopping",
        "label_full_batch": "full batch (50 points)",
        "label_mini_batch": "mini-batches of 10",
        "stopped_here": "stopped here",
        "filter_title": "filter {number}",
        "filters_title": "The {n} filters of the first layer (trained)",
        "feature_maps_title": "First-layer feature maps (convolution + bias, {height}×{width})",
        "shift_axis": "pixels moved to the right",
        "test_accuracy_axis": "test accuracy",
        "shift_title": "Test accuracy with the digits moved",
        # text alternatives (plots._describe): what a screen reader says instead of the picture
        "alt_kind_image": "image",
        "alt_kind_regions": "shaded regions",
        "alt_kind_contour": "contour lines",
        "alt_kind_bars": "bar chart",
        "alt_kind_scatter": "scatter plot",
        "alt_kind_line": "line chart",
        "alt_x_axis": "x axis",
        "alt_y_axis": "y axis",
        "alt_log_scale": "log scale",
        "alt_range": "from {low} to {high}",
        "alt_bars": "Bars",
        "alt_legend": "Legend",
        "alt_panels": "{n} panels.",
        "alt_images": "{n} images",
        "alt_empty": "an empty figure",
    },
}

_language_override: str | None = None


def set_language(language: str | None) -> None:
    """Label plots in ``language`` ("ko" or "en"); ``None`` goes back to the environment."""
    global _language_override
    if language is not None:
        check_choice("language", language, LANGUAGES)
    _language_override = language


def language() -> str:
    """The language plots are labelled in: "ko" or "en" (see the module docstring for the order)."""
    if _language_override is not None:
        return _language_override
    return resolve_language()  # shared with dlbasics.exercises


def text(key: str, **values) -> str:
    """The string ``key`` in the current language, formatted with ``values``."""
    strings = _STRINGS[language()]
    if key not in strings:
        raise KeyError(
            f"no plot string {key!r}; add it to both tables of dlbasics.plots._strings._STRINGS"
        )
    return strings[key].format(**values)
