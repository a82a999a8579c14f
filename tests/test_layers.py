"""utils.layers keeps, word for word, the layers a notebook teaches and a later notebook imports."""

import ast
import inspect

import nbformat
import pytest

from utils import REPO_ROOT, layers

TAUGHT_IN = {"EncoderBlock": "03_transformer_block_and_parallelism.ipynb"}


def class_source_in_notebook(notebook: str, name: str) -> str:
    for cell in nbformat.read(REPO_ROOT / "notebooks" / notebook, as_version=4).cells:
        if cell.cell_type == "code" and f"class {name}(" in cell.source:
            tree = ast.parse(cell.source)
            node = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == name)
            return "\n".join(cell.source.splitlines()[node.lineno - 1 : node.end_lineno])
    raise AssertionError(f"no cell of {notebook} defines class {name}")


@pytest.mark.parametrize("name", sorted(TAUGHT_IN))
def test_saved_layer_is_the_notebook_cell_word_for_word(name):
    saved = inspect.getsource(getattr(layers, name)).strip()
    taught = class_source_in_notebook(TAUGHT_IN[name], name).strip()
    assert saved == taught, f"utils/layers.py's {name} differs from the class in {TAUGHT_IN[name]}: copy the cell"


def test_every_saved_layer_says_where_it_is_taught():
    saved = {name for name, value in vars(layers).items()
             if inspect.isclass(value) and value.__module__ == layers.__name__}
    assert saved == set(TAUGHT_IN)
