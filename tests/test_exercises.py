"""Exercises that teach: at least three per lesson, in one format (task, a cell to fill, a check, a worked
solution, all solutions collapsed), and none whose answer is code the lessons have already shown."""

import ast
import difflib
import io
import re
import tokenize

import nbformat
import pytest
from test_hygiene import output_texts  # what a cell shows, as text

from utils import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
LESSONS = [path for path in NOTEBOOKS if not path.name.startswith("00_")]  # 00 is the guide, with no exercises
MIN_EXERCISES = 3
TASK = re.compile(r"^\*\*(\d+)\. ", re.MULTILINE)  # "**2. A padding mask.** Write ..."
EXPLANATION = re.compile(r"^\*\*(\d+)\.\*\*", re.MULTILINE)  # "**2.** Compare with ..."
# A worked answer is a copy when most of it (two thirds) is made of runs of at least six tokens that
# appear in one cell the lessons showed before the exercise (this notebook's or an earlier one's).
COPY_SHARE, MIN_RUN = 0.65, 6


def read(path):
    return nbformat.read(path, as_version=4)


def parts(path):
    """(lesson cells, exercise cells, solution cells) of a notebook: split at its two headings."""
    cells = read(path).cells
    start, end = (section(cells, heading, path.name) for heading in ["## Exercises", "## Solutions"])
    return cells[:start], cells[start:end], cells[end:]


def section(cells, heading: str, name: str) -> int:
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and heading in cell.source.splitlines():
            return i
    raise AssertionError(f"{name}: no '{heading}' heading")


def numbers(cells, pattern) -> list[int]:
    return [int(n) for cell in cells if cell.cell_type == "markdown" for n in pattern.findall(cell.source)]


def collapsed(cell) -> bool:
    return bool(cell.metadata.get("jupyter", {}).get("source_hidden"))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_exercises_in_one_format(path):
    _, exercises, solutions = parts(path)
    code = [c for c in exercises if c.cell_type == "code"]
    stubs = [c for c in code if "raise NotImplementedError" in c.source]
    assert stubs, f"{path.name}: each exercise needs a cell to fill (a stub that raises NotImplementedError)"
    exercise_output = "".join(t for c in code for t in output_texts(c))
    solution_output = "".join(t for c in solutions if c.cell_type == "code" for t in output_texts(c))
    assert "⏳" in exercise_output, f"{path.name}: the checks under Exercises should say the task is not done yet"
    assert "✅" in solution_output and "❌" not in solution_output, f"{path.name}: every worked solution must pass"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_at_least_three_exercises_each_with_a_worked_solution(path):
    _, exercises, solutions = parts(path)
    tasks = numbers(exercises, TASK)
    assert len(tasks) >= MIN_EXERCISES, f"{path.name}: {len(tasks)} exercises, at least {MIN_EXERCISES} wanted"
    assert tasks == list(range(1, len(tasks) + 1)), f"{path.name}: exercises numbered {tasks}"
    assert numbers(solutions, EXPLANATION) == tasks, f"{path.name}: one explanation '**N.**' per exercise, in order"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_solutions_start_collapsed_under_a_visible_heading(path):
    _, _, solutions = parts(path)
    heading, *rest = solutions
    assert heading.source.strip() == "## Solutions", f"{path.name}: the heading cell holds the heading only"
    assert not collapsed(heading), f"{path.name}: the Solutions heading stays visible"
    navigation = rest.pop() if rest and "**Previous**" in rest[-1].source else None
    assert navigation is None or not collapsed(navigation)
    open_cells = [c.source[:60] for c in rest if not collapsed(c)]
    assert not open_cells, f"{path.name}: solution cells open at start: {open_cells}"


def tokens(source: str) -> list[str]:
    """Python tokens, strings as one placeholder, comments and layout left out."""
    skipped = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    lines = io.StringIO("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    return ["STR" if t.type == tokenize.STRING else t.string
            for t in tokenize.generate_tokens(lines.readline) if t.type not in skipped]


def answers(source: str) -> list[str]:
    """The bodies of the functions and classes a solution cell defines (or the whole cell if none)."""
    bodies = [ast.get_source_segment(source, node).split("\n", 1)[1] for node in ast.parse(source).body
              if isinstance(node, ast.FunctionDef | ast.ClassDef)]
    return bodies or [source]


def shared_share(answer: list[str], shown: list[str]) -> float:
    matcher = difflib.SequenceMatcher(None, answer, shown, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks() if block.size >= MIN_RUN) / len(answer)


def copied_share(answer: list[str], shown_cells: list[list[str]]) -> float:
    return max((shared_share(answer, shown) for shown in shown_cells), default=0.0)


def lesson_code_up_to(path) -> list[list[str]]:
    """Tokens of every code cell the lessons showed before this notebook's exercises."""
    return [tokens(cell.source) for earlier in LESSONS if earlier.name <= path.name
            for cell in parts(earlier)[0] if cell.cell_type == "code"]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_no_worked_solution_copies_the_lesson(path):
    shown = lesson_code_up_to(path)
    for cell in parts(path)[2]:
        if cell.cell_type != "code":
            continue
        for answer in answers(cell.source):
            share = copied_share(tokens(answer), shown)
            assert share < COPY_SHARE, (f"{path.name}: {share:.0%} of this answer is code shown in a lesson; "
                                        f"ask for something the learner has not seen:\n{answer[:300]}")


def test_the_copy_measure_finds_a_copy_and_passes_new_code():
    shown = [tokens("causal_mask = np.tril(np.ones((len(tokens), len(tokens)), dtype=bool))\nprint(causal_mask)")]
    assert copied_share(tokens("return np.tril(np.ones((n, n), dtype=bool))"), shown) >= COPY_SHARE
    assert copied_share(tokens("return np.arange(n)[:, None] >= np.arange(n)[None, :]"), shown) < COPY_SHARE
    assert copied_share(tokens("x = 1"), []) == 0.0
