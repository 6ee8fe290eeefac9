"""What a measurement depends on: the machine, its load, the library versions, BLAS threads."""

from __future__ import annotations

import importlib.metadata
import os
import platform
from pathlib import Path

import numpy as np


def environment() -> dict:
    """The CPU, the core count, the load average, Python/NumPy/Keras/TensorFlow and BLAS threads."""
    info = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "load_average": list(os.getloadavg()),
        "blas_env": {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_"))},
    }
    try:
        from threadpoolctl import threadpool_info
    except ModuleNotFoundError:
        info["blas"] = "unknown (threadpoolctl is not installed)"
    else:
        info["blas"] = [
            {
                key: pool.get(key)
                for key in ("internal_api", "version", "num_threads", "architecture")
            }
            for pool in threadpool_info()
        ]
    # The installed versions (not every caller has imported them yet); TensorFlow's distribution
    # may be tensorflow-cpu.
    distributions = importlib.metadata.packages_distributions()
    for name in ("keras", "tensorflow"):
        for distribution in distributions.get(name, [])[:1]:
            info[name] = importlib.metadata.version(distribution)
    return info


def machine_busy_seconds() -> float | None:
    """CPU seconds all programs have used since boot (Linux ``/proc/stat``), or None elsewhere."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def blas_text(blas) -> str:
    """``environment()["blas"]`` in a few words: library, version, threads."""
    if isinstance(blas, str):
        return f"BLAS {blas}"
    pools = [p for p in blas if p["internal_api"] in ("openblas", "mkl", "blis")] or blas
    return ", ".join(
        f"{p['internal_api']} {p['version']} with {p['num_threads']} thread(s)" for p in pools
    )


def cpu_model() -> str:
    """The CPU's model name (Linux ``/proc/cpuinfo``), else what Python knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
