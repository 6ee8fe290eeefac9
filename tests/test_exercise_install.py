"""The exercises work from a plain ``pip install``, without the site or the repository.

The package is built into a wheel from a copy of what the sdist holds (pyproject.toml, README,
LICENSE, dlbasics/), installed into a fresh venv with NumPy and matplotlib from the package index
(pinned by requirements/constraints.txt), and one exercise module is checked in a plain
interpreter started in an empty folder with ``-I`` (isolated: no source tree, no user site, no
PYTHON* variables), with sockets blocked. It prints what a learner sees: ✅ for the solution, the
❌ line meant for a typical mistake, ⬜ for blank starter code, in English and in Korean.

About a minute (the venv and pip), so it is marked slow. Needs the package index (PyPI).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv

import pytest

from .site_support import REPO

pytestmark = pytest.mark.slow

LEARNER = r"""
import socket, sys

def no_network(*args, **kwargs):
    raise OSError("no network for the exercises")

socket.socket = socket.create_connection = no_network

import numpy as np
import dlbasics
from dlbasics.exercises import softmax_cross_entropy as ex

print("from", dlbasics.__file__)
namespace = dict(ex.q1.context)
exec(ex.q1.solution_code, namespace)
for language in ("en", "ko"):
    assert ex.q1.check(namespace["softmax"], language=language)
    ex.q1.check(lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True), language=language)
    ex.q1.check(..., language=language)
ex.q1.hint(language="en")
print("imported:", sorted({m.split(".")[0] for m in sys.modules} & {"tensorflow", "keras", "matplotlib"}))
"""


def run(command, **options):
    result = subprocess.run(command, capture_output=True, text=True, check=False, **options)
    assert result.returncode == 0, (
        f"{command[:3]}...\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout


def test_pip_install_then_check_an_exercise_in_a_plain_interpreter(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(
        REPO / "dlbasics", source / "dlbasics", ignore=shutil.ignore_patterns("__pycache__")
    )
    wheels = tmp_path / "wheels"
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheels),
            str(source),
        ]
    )
    (wheel,) = wheels.glob("dlbasics-*.whl")

    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    constraints = REPO / "requirements" / "constraints.txt"
    run([str(python), "-m", "pip", "install", "--quiet", "-c", str(constraints), str(wheel)])

    learner = tmp_path / "empty"
    learner.mkdir()
    out = run([str(python), "-I", "-c", LEARNER], cwd=learner)
    lines = out.splitlines()
    assert lines[0].startswith(f"from {environment}") and "site-packages" in lines[0], lines[0]
    assert lines[1:7] == [
        "✅ Correct!",
        "❌ Not yet. Overflows at z = 1000: e^1000 is infinite, and infinity divided by infinity is "
        "NaN. Subtract the row maximum first; softmax does not change.",
        "⬜ Not attempted yet. Replace the `...` with your answer and run the cell again. "
        "`ex.q1.hint()` gives a hint.",
        "✅ 정답입니다!",
        "❌ 아직 아닙니다. z = 1000에서 넘칩니다(overflow). e^1000은 무한대이고, 무한대 나누기 무한대는 "
        "NaN입니다. 먼저 행마다 최댓값을 빼세요. 소프트맥스의 값은 바뀌지 않습니다.",
        "⬜ 아직 풀지 않았습니다. `...`를 여러분의 답으로 바꾸고 셀을 다시 실행하세요. 힌트는 "
        "`ex.q1.hint()`로 볼 수 있습니다.",
    ]
    assert lines[7].startswith("💡 Hint 1/2: ")
    assert lines[-1] == "imported: []"
