"""The package's import graph: no circle, and no module imports one on a floor above its own.

Every ``import`` is read from the source (ast), the ones inside functions included: a lazy import
is an edge too, it only runs later. The floors are the layering the package docstring describes:
ground-floor helpers, then the lessons, then what trains with Keras, then the exercises, then the
benchmarks, and the command line on top. A module may import its own floor or any below it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import dlbasics

PACKAGE = Path(dlbasics.__file__).parent

# Each module's floor; a module not listed here fails the test (add it on purpose).
FLOORS = {
    0: {"_validation", "_keras", "_tables", "_language", "progress", "lecture", "cache_files",
        "run_cache"},
    1: {
        "activations", "losses", "optimizers", "gradient_check", "linear_regression",
        "perceptron", "mlp", "vanishing", "convolution", "preprocessing", "mnist", "glossary",
        "plots", "plots._core", "plots.classifiers", "plots.gradients", "plots.images",
        "plots.regression", "schedules", "regularization", "conv_layers", "batchnorm",
        "plots.training", "plots._describe", "plots._strings",
    },
    2: {
        "mnist_runs", "mnist_numpy", "keras_models", "cnn", "cnn_data", "numpy_cnn",
        "overfitting", "shifted_digits",
    },
    # the exercises use the lessons (and cnn.epoch_steps); nothing imports them
    3: {"exercises", *(f"exercises.{name}" for name in (
        "_text", "_compare", "_attempt", "_mistakes", "_kinds", "linear_regression",
        "gradient_descent", "perceptron", "mlp_xor", "backpropagation", "activations",
        "vanishing_gradients", "mnist_data", "softmax_cross_entropy", "keras_mlp", "numpy_mlp",
        "optimizers", "regularization", "cnn", "numpy_cnn",
    ))},
    4: {
        "bench", "bench._machine", "bench.numpy_vs_keras", "bench.cnn_vs_keras_io",
        "bench.numpy_cnn_vs_keras",
    },
    5: {"cli", "__main__"},
}  # fmt: skip
FLOOR = {module: floor for floor, modules in FLOORS.items() for module in modules}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The dlbasics modules ``path`` imports, anywhere in the file (``""`` is the package)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            candidates = [_inside(alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's package, one level up per extra dot
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - node.level + 1]
                module = ".".join([*parts, *([node.module] if node.module else [])])
            else:
                module = _inside(node.module or "")
            if module is None:
                continue
            # `from . import lecture` imports the module dlbasics.lecture
            candidates = [module, *(f"{module}.{a.name}".lstrip(".") for a in node.names)]
        else:
            continue
        found |= {c for c in candidates if c is not None and (c in FLOOR or c == "")}
    found.discard(name)
    return found


def _inside(absolute: str) -> str | None:
    """``dlbasics.x.y`` -> ``x.y``, ``dlbasics`` -> ``""``; another package -> None."""
    if absolute == "dlbasics":
        return ""
    return absolute.removeprefix("dlbasics.") if absolute.startswith("dlbasics.") else None


def graph() -> dict[str, set[str]]:
    return {
        module_name(path): imports_of(path)
        for path in sorted(PACKAGE.rglob("*.py"))
        if "__pycache__" not in path.parts and module_name(path)
    }


def test_every_module_has_a_floor():
    assert set(graph()) == set(FLOOR), "give each new module a floor in FLOORS"


def test_no_module_imports_one_above_its_floor():
    upward = [
        f"{module} (floor {FLOOR[module]}) imports {target} (floor {FLOOR[target]})"
        for module, targets in graph().items()
        for target in targets
        if target and FLOOR[target] > FLOOR[module]
    ]
    assert not upward, upward


def test_the_import_graph_has_no_circle():
    edges = graph()
    state: dict[str, str] = {}

    def visit(module, path):
        state[module] = "open"
        for target in sorted(edges.get(module, ())):
            if not target:
                continue
            if state.get(target) == "open":
                pytest.fail("import circle: " + " -> ".join([*path, module, target]))
            if target not in state:
                visit(target, [*path, module])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [])


def test_the_reader_of_the_graph_sees_lazy_imports():
    """The graph reader itself: an import inside a function counts, relative or absolute."""
    edges = graph()
    assert "_keras" in edges["mnist"]  # the download fall-back imports it inside a function
    assert {"lecture", "mnist_runs", "_keras"} <= edges["keras_models"]
    assert "bench.numpy_vs_keras" in edges["cli"]  # imported inside cmd_bench
    assert edges["bench"] == {"bench.numpy_vs_keras"}
