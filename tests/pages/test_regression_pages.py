"""What the pages index, linear-regression and gradient-descent say, checked on their own code.

Each test runs the page's code cells (tests/pages/page_code.py) and holds the claims its prose
makes to independent references: ``np.polyfit``'s exact least squares, central differences.
"""

from __future__ import annotations

import numpy as np

from .page_code import run_page


def test_home_page_fit_lands_close_to_the_line_the_data_was_made_with():
    page = run_page("index")
    history = page["history"]
    # the data: y = 2x + 1 plus noise
    assert abs(history.final_W[0] - 2.0) < 0.1 and abs(history.final_b - 1.0) < 0.2


def test_linear_regression_page_claims():
    page = run_page("linear-regression")
    linear_regression, x, y = page["linear_regression"], page["x"], page["y"]
    costs = {label: linear_regression.cost(x, y, *wb) for label, wb in page["candidates"].items()}
    assert min(costs, key=costs.get) == "W = 2, b = 1"  # the line that looks best costs least
    assert np.all(np.diff(page["costs"], 2) > 0)  # a bowl: convex
    assert page["costs"].argmin() not in (0, len(page["costs"]) - 1)  # its lowest point inside
    W_exact, b_exact = np.polyfit(x, y, deg=1)
    assert abs(page["W_fit"] - W_exact) < 5e-4 and abs(page["b_fit"] - b_exact) < 5e-4


def test_gradient_descent_page_claims():
    page = run_page("gradient-descent")
    cost, dW, db = page["cost"], page["dW"], page["db"]
    assert abs(dW - page["dW_numeric"]) < 5e-7 and abs(db - page["db_numeric"]) < 5e-7
    assert dW < 0 and db < 0  # increasing W and b lowers the cost
    W_new, b_new = page["W_new"], page["b_new"]
    assert cost(W_new, b_new) < cost(0.0, 0.0) / 10

    history = page["history"]
    assert np.isclose(history.W[1, 0], W_new) and np.isclose(history.b[1], b_new)  # fit's step 1
    assert history.cost[1] < history.cost[0] / 100 and history.cost[-1] < history.cost[1]

    x, y = page["x"], page["y"]
    best = cost(*np.polyfit(x, y, deg=1))
    runs = {run.learning_rate: run for run in page["histories"]}
    assert runs[0.001].cost[-1] > best + 5e-3  # too small: not at the bottom after 300 steps
    assert runs[0.05].cost[-1] < best + 1e-6  # about right: there
    assert runs[0.25].diverged and not runs[0.05].diverged and not runs[0.001].diverged
