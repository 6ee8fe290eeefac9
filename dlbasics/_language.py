"""The reader's language, "ko" or "en": what plots are labelled in and exercises answer in.

In order: an explicit argument; the ``DLBASICS_LANG`` environment variable (the site build sets
it to the page's language, and so does the in-browser runtime); a Korean locale (``LC_ALL``,
``LC_MESSAGES`` or ``LANG`` starting with ``ko``); else English.
"""

from __future__ import annotations

import os

from ._validation import check_choice

LANGUAGES = ("ko", "en")
ENV_VAR = "DLBASICS_LANG"


def resolve_language(language: str | None = None) -> str:
    """``language`` if given (checked), else the environment's language (see the module docstring)."""
    if language is not None:
        return check_choice("language", language, LANGUAGES)
    value = os.environ.get(ENV_VAR, "").strip()
    if value:
        if value not in LANGUAGES:
            raise ValueError(f"{ENV_VAR} must be 'ko' or 'en', got {value!r}")
        return value
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(variable):
            return "ko" if os.environ[variable].lower().startswith("ko") else "en"
    return "en"
