"""Every mention of a notebook by its number points at the right notebook, so that inserting or
renumbering notebooks cannot leave a stale "see notebook 05" behind.

Read: the notebooks' markdown and code source (not outputs), README, Makefile, requirements.txt,
pyproject.toml, environment.yml, .ci/run, and the text files of docs/, utils/, scripts/, tests/, zoo/,
benchmarks/, spaces/ and data/.

(a) a file name ``NN_name.ipynb`` names a notebook that exists, and a link labelled NN goes to NN;
(b) "NN · Title" carries notebook NN's real title;
(c) a bare number ("notebook 07", "notebooks 07 and 08", "06–08", "07's", a table cell "| 05 |", any
    zero-padded 00-09 standing alone) stands in a sentence (in code: a line) or table row that names
    something notebook NN teaches, one of its TOPICS words; or, when the sentence names nothing of
    NN-1 or NN+1 either, its paragraph does. A number left unshifted speaks of a neighbour's topic;
(d) a utils function whose docstring says "notebook NN" is called in notebook NN.
"""

import ast
import re
from pathlib import Path

import nbformat
import pytest

from utils import REPO_ROOT

# What each notebook teaches: words that begin a word of its mentions (lower case; "_" reads as "-").
# 00-03 keep their numbers when notebooks are inserted after them, so their lists may be broad.
TOPICS = {
    "00": ["start here", "set-up", "setup", "environment", "stand-in", "offline", "hub", "colab", "checkpoint",
           "restart", "make check", "welcome", "guide", "python"],
    "01": ["attention", "by hand", "numpy", "causal", "softmax", "mask", "split", "embedding"],
    "02": ["multi-head", "head", "position", "attention", "mask"],
    "03": ["block", "encoder", "parallel", "lstm", "feed-forward", "stack", "residual", "normalis", "embedding",
           "cost", "peek"],
    "04": ["decoder", "cross-attention", "encoder–decoder", "t5", "date", "teacher forcing", "greedy"],
    "05": ["tokeniz", "wordpiece", "subword", "sub-word", "vocabular", "special token", "pad", "truncat",
           "fertility", "offsets", "democratiz"],
    "06": ["pipeline", "generat", "gpt", "sampling", "temperature", "nucleus", "top-p", "embedding",
           "semantic search", "default"],
    "07": ["tfautomodel", "two lines", "loading", "config", "hidden", "attention", "head", "bertviz",
           "newly initialized", "pooling", "pytorch", "from-pt", "384"],
    "08": ["fine-tun", "fit", "callback", "trains", "training cell", "classif", "keras", "epoch", "sst-2", "map",
           "batched", "longest", "dynamic padding", "task head", "save-pretrained", "metrics", "reviews-classifier",
           "confusion", "frozen"],
    "09": ["the hub", "model hub", "shar", "space", "push", "card", "dataset", "gradio", "stream", "demo",
           "upload", "app.py", "filter"],
    "10": ["scal", "distribut", "strategy", "xla", "worker", "replica", "throughput", "device", "tf-config",
           "tpu", "examples per second", "speed", "bfloat16", "mixed precision"],
}
# Sentences whose mentions these words cannot judge, quoted exactly: renumbering changes the quote,
# and this test then asks for a look at the sentence.
UNJUDGED = [
    "below, 06–08 |", "BERT (this notebook, 07, 08)",  # 03's big picture
    "for the tiny GPT-2 (05 and 06) and the", "and the tiny GPT-2 (06, 05)",  # stand-ins built on first use
    "then 06, every cell without an error", "the two stand-ins that 06 builds", "), then 06.",  # colab-check
    "runs notebook 06 in a new kernel",
    "00, 03 and 05–08 must run",  # tests/test_hub_mode.py's HUB_NOTEBOOKS
    "Chromium runs all cells of notebook 01",  # tests/test_browser.py
    "If you will teach **09** without teaching 08 first", "Run 08, then 09 again.",  # instructor notes
    "skip the padding mask (05 and 06 show it again)", "tokenizer objects (as notebook 09 does)",
    "what 03, 07, 09 and 10 add, for home study", "09 and 10 are 45-minute notebooks squeezed",  # workshop
    "a fresh kernel, as in notebook 09, needs nothing", "Now the data, exactly as in notebook 08",
    "In notebook 08 you would write:", "not depend on notebook 08 having been run",
]

NOTEBOOKS = {path.name[:2]: path for path in sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
TITLES = {number: re.match(r"# \d\d · (.+)", nbformat.read(path, as_version=4).cells[0].source)[1].strip()
          for number, path in NOTEBOOKS.items()}
FILES = ["README.md", "Makefile", "requirements.txt", "pyproject.toml", "environment.yml", ".ci/run"]
FOLDERS = ["docs", "utils", "scripts", "tests", "zoo", "benchmarks", "spaces", "data"]

FILE_NAME = re.compile(r"(?<![\w-])\d\d_\w+\.ipynb")
LINK_TO = r"\([^)]*?(\d\d)_\w+\.ipynb\)"
LINKED = [re.compile(r"\[(\d\d) · [^\]]*\]" + LINK_TO), re.compile(r"^\| (\d\d) \| \[[^\]]*\]" + LINK_TO, re.M)]
LABEL = re.compile(r"(?<![\w.])(\d\d) · ([^\n]*)")
# A notebook number is not part of a date, a time, a version, a path, a decimal, a range like "00–49"
# or a string of its own ("06", a month).
NUMBER = r"(?<![\w.:/+-])(?!(?<=[\"'])\d\d[\"'])(?:0\d|10)(?![\w/%-]|[.:]\d| ·|\s*–\s*(?!(?:0\d|10)(?!\d))\d)"
MENTION = re.compile(rf"(notebooks?\s+)?({NUMBER}(?:(?:,\s*|\s+and\s+|\s+or\s+|\s*–\s*){NUMBER})*)", re.I)


def texts() -> list[tuple[str, str]]:
    """(where, text) for every piece of source that may mention a notebook."""
    found = [(f"notebooks/{path.name}, cell {i} ({cell.cell_type})", cell.source)
             for path in NOTEBOOKS.values() for i, cell in enumerate(nbformat.read(path, as_version=4).cells)]
    files = [REPO_ROOT / name for name in FILES] + [
        path for folder in FOLDERS for path in sorted((REPO_ROOT / folder).rglob("*"))
        if path.suffix in {".md", ".py", ".cfg", ".txt", ".toml"} and "artifacts" not in path.parts]
    return found + [(str(path.relative_to(REPO_ROOT)), path.read_text())
                    for path in files if path.is_file() and path.resolve() != Path(__file__).resolve()]


def label(number: str) -> str:
    return f"{number} · {TITLES[number]}" if number in TITLES else f"{number} (no such notebook)"


def stale_file_names(where: str, text: str) -> list[str]:
    problems = []
    for name in FILE_NAME.findall(text):
        if not (REPO_ROOT / "notebooks" / name).exists():
            guess = [f"; {path.name!r}?" for path in NOTEBOOKS.values() if path.name[3:] == name[3:]]
            problems.append(f"{where}: {name!r} does not exist{''.join(guess)}")
    for pattern in LINKED:
        problems += [f"{where}: {found[0]!r} links {found[1]} to notebook {found[2]}"
                     for found in pattern.finditer(text) if found[1] != found[2]]
    return problems


def stale_labels(where: str, text: str) -> list[str]:
    problems = []
    for found in LABEL.finditer(text):
        if found[1] not in TITLES or not found[2].startswith(TITLES[found[1]]):
            guess = [f"; {label(n)!r}?" for n, title in TITLES.items() if found[2].startswith(title)]
            problems.append(f"{where}: {found[0][:60]!r} is not notebook {label(found[1])}{''.join(guess)}")
    return problems


def units(text: str, prose: bool) -> list[tuple[str, str]]:
    """(sentence, paragraph) pairs: a table row or a list item is both; in code, a sentence is a line."""
    found = []
    for paragraph in re.split(r"\n\s*\n|\n(?=\s*(?:\||[-*] |\d+\. |#))" if prose else r"\n\s*\n", text):
        if paragraph.lstrip().startswith("|"):
            found.append((paragraph, paragraph))
        else:
            found += [(s, paragraph) for s in re.split(r"(?<=[.!?])\s+" if prose else r"\n", paragraph)]
    return found


def mentions(sentence: str) -> list[tuple[str, list[str]]]:
    """Bare mentions: after "notebook(s)", alone in a table cell, or zero-padded (a plain 10 is a count)."""
    found = []
    for match in MENTION.finditer(sentence):
        in_cell = re.search(rf"\|\s*{re.escape(match[2])}\s*\|", sentence)
        if match[1] or in_cell or re.search(r"(?<!\d)0\d", match[2]):
            found.append((match[0], re.findall(r"\d\d", match[2])))  # a range "06–08": its two ends
    return found


def about(text: str) -> list[str]:
    """The notebooks whose TOPICS words the text uses."""
    said = text.lower().replace("_", "-")
    return [number for number, words in TOPICS.items()
            if number in TITLES and any(re.search(rf"(?<!\w){re.escape(word)}", said) for word in words)]


def judged(number: str, sentence: str, paragraph: str) -> bool:
    if number in about(sentence):
        return True
    neighbours = {f"{int(number) + step:02}" for step in (-1, 1)}
    return not neighbours & set(about(sentence)) and number in about(paragraph)


def stale_numbers(where: str, text: str) -> list[str]:
    problems = []
    for sentence, paragraph in units(text, prose=where.endswith((".md", "(markdown)"))):
        if any(quoted in " ".join(sentence.split()) for quoted in UNJUDGED):
            continue
        for mention, numbers in mentions(sentence):
            for number in numbers:
                if number in TITLES and judged(number, sentence, paragraph):
                    continue
                topics = about(sentence) or about(paragraph)
                near = [n for n in topics if abs(int(n) - int(number)) == 1] or topics
                problems.append(f"{where}: {mention!r} in {' '.join(sentence.split())[:160]!r}: nothing there is "
                                f"about notebook {label(number)} (TOPICS[{number!r}]: {TOPICS.get(number)})"
                                + (f"; is it {' or '.join(map(label, near[:2]))}?" if near else ""))
    return problems


@pytest.mark.parametrize("check", [stale_file_names, stale_labels, stale_numbers], ids=lambda f: f.__name__)
def test_every_mention_of_a_notebook_number_is_current(check):
    problems = [problem for where, text in texts() for problem in check(where, text)]
    assert not problems, f"{len(problems)} stale mention(s) of a notebook:\n" + "\n".join(problems)


def test_utils_are_called_in_the_notebook_their_docstring_names():
    code = {number: "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells
                              if cell.cell_type == "code") for number, path in NOTEBOOKS.items()}
    problems = []
    for module in sorted((REPO_ROOT / "utils").glob("*.py")):
        for node in ast.parse(module.read_text()).body:
            if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) or node.name.startswith("_"):
                continue
            called_in = [n for n, source in code.items() if re.search(rf"\b{node.name}\b", source)]
            for number in re.findall(r"[Nn]otebooks? (\d\d)", ast.get_docstring(node) or ""):
                if number not in called_in:
                    problems.append(f"utils/{module.name}: the docstring of {node.name} says notebook {number}, "
                                    f"but it is called in {called_in or 'no notebook'}")
    assert not problems, "\n".join(problems)
