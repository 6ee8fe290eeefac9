"""The glossary names only things that exist in the package."""

import pytest

from dlbasics.glossary import TERMS, glossary_markdown, resolve


@pytest.mark.parametrize("name", sorted({name for _, _, name in TERMS if name}))
def test_every_glossary_name_exists(name):
    assert resolve(name) is not None


def test_resolve_rejects_a_missing_name():
    with pytest.raises(AttributeError):
        resolve("dlbasics.mlp.MLP.no_such_thing")


def test_terms_are_unique_and_the_table_has_a_row_each():
    korean = [k for k, _, _ in TERMS]
    assert len(korean) == len(set(korean))
    table = glossary_markdown().splitlines()
    assert len(table) == len(TERMS) + 2
    assert "| 역전파 | backpropagation |" in glossary_markdown()
