"""Stamp what every notebook shares, from one source each, so no notebook drifts from the others.

- the "Open in Colab" badge under the title, built from `utils.REPO_URL`;
- the Colab install cell, the first code cell (it does nothing outside Colab);
- Previous / Next links at the bottom, from the notebooks' own titles;
- the route table in README.md and in 00_start_here, from each notebook's title, purpose and time;
- the table of run times and memory in docs/workshop.md, from benchmarks/notebook_times.json
  (measured by scripts/time_notebooks.py);
- the Colab cell collapsed under a one-line summary;
- section headings numbered one way ("## 1. Title"; "###" sub-sections unnumbered) and cell ids of one kind;
- a link to docs/glossary.md where each glossary term first appears in the series;
- worked solutions collapsed (explanations and code hidden until clicked), and no run timestamps in cell metadata.

    python scripts/stamp_notebooks.py           # rewrite the stale files
    python scripts/stamp_notebooks.py --check   # list the stale files and exit 1 (tests/test_stamps.py)

A changed code cell (the Colab cell) needs the notebook re-run: `make notebooks` stamps, then executes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from utils import REPO_ROOT, REPO_URL  # noqa: E402  (the line above makes utils importable)

COLAB_SUMMARY = ("The first code cell, collapsed, prepares Google Colab (it fetches the course and installs what "
                 "Colab lacks) and does nothing anywhere else.")
BADGE = "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
TABLE_BEGIN, TABLE_END = "<!-- notebooks:begin (made by scripts/stamp_notebooks.py) -->", "<!-- notebooks:end -->"
TIMES_BEGIN = "<!-- notebook-times:begin (made by scripts/stamp_notebooks.py from benchmarks/notebook_times.json) -->"
TIMES_END = "<!-- notebook-times:end -->"
NAVIGATION = ("**Previous**", "**Next**")
GLOSSARY = "../docs/glossary.md"
GLOSSARY_LINK = re.compile(r"\[([^\]]+)\]\(" + re.escape(GLOSSARY) + r"#[^)]+\)")

COLAB_CELL = f'''\
# Colab only: fetch the course and install the few packages Colab lacks for it (about a minute, once per
# session; utils/colab.py says what and why). Elsewhere this cell does nothing.
import os
import subprocess
import sys

REPO = "{REPO_URL}"
if "google.colab" in sys.modules:
    COURSE = os.path.abspath(REPO.rsplit("/", 1)[-1])  # Colab starts in /content
    if not os.path.isdir(COURSE):
        subprocess.run(["git", "clone", "--quiet", "--depth=1", REPO, COURSE], check=True)
    if COURSE not in sys.path:
        sys.path.insert(0, COURSE)
    from utils.colab import prepare

    prepare()'''

# Glossary terms whose forms in running text are not just "<term>" or "<term>s".
TERM_FORMS = {
    "Query key and value": r"quer(?:y|ies)",
    "Fine-tuning": r"fine-tun(?:ing|e|ed)",
    "Feed-forward network": r"feed-forward(?: networks?)?",
    "Layer normalisation": r"layer normali[sz]ation",
    "Subword": r"sub-?words?",
    "Vocabulary": r"vocabular(?:y|ies)",
    "Warm-up": r"warm-?up",
    "Batch": r"batch(?:es)?",
    "Model Hub": r"(?-i:Model Hub|Hub)",  # capitalised only: "hub" alone is not the Hub
    "Space": r"(?-i:Spaces?)",  # capitalised only: not "vector space"
}
# Never link inside these: the route table, code, maths, links, HTML, headings.
PROTECTED = re.compile(
    "|".join([
        re.escape(TABLE_BEGIN) + ".*?" + re.escape(TABLE_END),
        r"```.*?```", r"`[^`\n]*`", r"\$\$.*?\$\$", r"\$[^$\n]+\$",
        r"!?\[[^\]]*\]\([^)]*\)", r"<[^>\n]+>", r"https?://\S+", r"^#[^\n]*",
    ]),
    re.DOTALL | re.MULTILINE,
)


@dataclass
class Lesson:
    path: Path
    notebook: nbformat.NotebookNode
    number: str
    title: str
    purpose: str
    time: str

    @property
    def label(self) -> str:
        return f"{self.number} · {self.title}"


def read_lessons(root: Path) -> list[Lesson]:
    return [read_lesson(path) for path in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))]


def read_lesson(path: Path) -> Lesson:
    notebook = nbformat.read(path, as_version=4)
    header = notebook.cells[0].source
    title = re.match(r"# (\d\d) · (.+)", header)
    if notebook.cells[0].cell_type != "markdown" or not title:
        raise ValueError(f"{path.name}: the first cell must be markdown starting '# NN · Title'; found {header[:60]!r}")
    paragraphs = [p for p in header.split("\n\n")[1:] if not p.startswith(BADGE)]
    time = re.search(r"\*\*Estimated time\*\*: ([^(\n]+)", header)
    if not paragraphs or not time:
        raise ValueError(f"{path.name}: the header needs a purpose paragraph and an '**Estimated time**: ...' line")
    purpose = GLOSSARY_LINK.sub(r"\1", paragraphs[0]).strip()
    return Lesson(path, notebook, title[1], title[2].strip(), purpose, time[1].strip().rstrip("."))


def stamp_badge(lesson: Lesson) -> None:
    cell = lesson.notebook.cells[0]
    title, *rest = cell.source.split("\n\n")
    rest = [p for p in rest if not p.startswith(BADGE)]
    badge = f"{BADGE}({colab_url(lesson.path.name)})"
    cell.source = "\n\n".join([title, badge, *rest])


def colab_url(name: str) -> str:
    return f"https://colab.research.google.com/github/{REPO_URL.split('github.com/')[1]}/blob/main/notebooks/{name}"


def stamp_colab_cell(lesson: Lesson) -> None:
    """The Colab cell comes first, collapsed (plumbing, not the lesson), under a visible one-line summary."""
    cells = lesson.notebook.cells
    first_code = next(i for i, cell in enumerate(cells) if cell.cell_type == "code")
    if cells[first_code].source.startswith("# Colab only"):
        cells[first_code].source = COLAB_CELL
    else:
        cells.insert(first_code, nbformat.v4.new_code_cell(COLAB_CELL, id="colab-install"))
    cells[first_code].metadata["jupyter"] = {"source_hidden": True}
    above = cells[first_code - 1]
    if above.cell_type != "markdown":
        raise ValueError(f"{lesson.path.name}: the Colab cell needs a markdown cell above it for its summary")
    if COLAB_SUMMARY not in above.source:
        above.source = above.source.rstrip("\n") + "\n\n" + COLAB_SUMMARY


def stamp_navigation(lessons: list[Lesson]) -> None:
    for i, lesson in enumerate(lessons):
        links = []
        if i > 0:
            links.append(f"**Previous**: [{lessons[i - 1].label}]({lessons[i - 1].path.name})")
        if i + 1 < len(lessons):
            links.append(f"**Next**: [{lessons[i + 1].label}]({lessons[i + 1].path.name})")
        cells = lesson.notebook.cells
        if cells[-1].cell_type == "markdown" and cells[-1].source.startswith(NAVIGATION):
            cells[-1].source = " · ".join(links)
            continue
        if cells[-1].cell_type == "markdown":  # links at the end of the summary: move them to a cell of their own
            cells[-1].source = "\n\n".join(p for p in cells[-1].source.split("\n\n") if not p.startswith(NAVIGATION))
        cells.append(nbformat.v4.new_markdown_cell(" · ".join(links), id="neighbours"))


def route_table(lessons: list[Lesson], prefix: str) -> str:
    rows = [f"| {x.number} | [{x.title}]({prefix}{x.path.name}) | {x.purpose} | {x.time} |" for x in lessons]
    return "\n".join([TABLE_BEGIN, "| # | Notebook | What you will do | Time |", "|---|---|---|---|", *rows, TABLE_END])


def times_table(lessons: list[Lesson], record: dict) -> str:
    """The workshop's table: each notebook's own time estimate and its measured run (scripts/time_notebooks.py)."""
    rows = []
    for x in lessons:
        measured = record["notebooks"].get(x.path.stem)
        if measured is None:
            raise ValueError(f"benchmarks/notebook_times.json has no time for {x.path.name}: "
                             f"run python scripts/time_notebooks.py {x.path.relative_to(x.path.parent.parent)}")
        learner_time = x.time.replace(" minutes", " min")
        rows.append(f"| {x.number} | {x.title} | {learner_time} | {duration(measured['seconds'])} | "
                    f"{measured['peak_memory_mb'] / 1024:.1f} GB |")
    total = sum(record["notebooks"][x.path.stem]["seconds"] for x in lessons)
    heaviest = max(lessons, key=lambda x: record["notebooks"][x.path.stem]["peak_memory_mb"])
    return "\n".join([
        TIMES_BEGIN,
        f"Measured on {record['measured']} ({record['cpu']}, {record['cores']} cores, Python {record['python']}, "
        f"offline): every notebook in {duration(total)}.",
        "",
        "| # | Notebook | Learner time | Running all cells | Peak memory |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"The heaviest notebook, {heaviest.label}, peaks at "
        f"{record['notebooks'][heaviest.path.stem]['peak_memory_mb'] / 1024:.1f} GB of memory.",
        TIMES_END,
    ])


def duration(seconds: int) -> str:
    return f"{seconds} s" if seconds < 90 else f"{seconds // 60} min {seconds % 60} s"


def replace_table(text: str, table: str, where: str, begin: str = TABLE_BEGIN, end: str = TABLE_END) -> str:
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"{where}: no table markers ({begin} ... {end})")
    return pattern.sub(lambda _: table, text)


def glossary_terms(root: Path) -> dict[str, str]:
    """Heading -> anchor, as GitHub and JupyterLab make them."""
    headings = re.findall(r"^## (.+)$", (root / "docs" / "glossary.md").read_text(), re.MULTILINE)
    return {heading: heading.lower().replace(" ", "-") for heading in headings}


def term_pattern(term: str) -> re.Pattern:
    form = TERM_FORMS.get(term, re.escape(term.lower()) + "s?")
    return re.compile(rf"(?<![\w-])(?:{form})(?![\w-])", re.IGNORECASE)


def stamp_glossary_links(lessons: list[Lesson], terms: dict[str, str]) -> None:
    """Link the first appearance of each term in the series (in order), and only that one."""
    cells = [c for x in lessons for c in x.notebook.cells if c.cell_type == "markdown"]
    for cell in cells:
        cell.source = GLOSSARY_LINK.sub(r"\1", cell.source)
    for term in sorted(terms, key=len, reverse=True):  # "attention mask" before "attention"
        for cell in cells:
            if not cell.source.startswith(NAVIGATION) and link_first(cell, term_pattern(term), terms[term]):
                break


def link_first(cell, pattern: re.Pattern, anchor: str) -> bool:
    source, start = cell.source, 0
    for protected in [*PROTECTED.finditer(cell.source), None]:
        end = protected.start() if protected else len(source)
        found = pattern.search(source, start, end)
        if found:
            link = f"[{found[0]}]({GLOSSARY}#{anchor})"
            cell.source = source[: found.start()] + link + source[found.end() :]
            return True
        if protected is None:
            return False
        start = protected.end()
    return False


def stamp_solutions(lesson: Lesson) -> None:
    in_solutions = False
    for cell in lesson.notebook.cells:
        cell.metadata.pop("execution", None)  # run timestamps: noise in every diff
        if cell.cell_type == "markdown" and "## Solutions" in cell.source.splitlines():
            in_solutions = True  # the heading stays visible; what follows starts collapsed
        elif in_solutions and not cell.source.startswith(NAVIGATION):
            cell.metadata["jupyter"] = {"source_hidden": True}


UNNUMBERED = {"Setup", "Summary", "Exercises", "Solutions"}  # the same in every notebook: no number
SECTION_NUMBER = re.compile(r"^(?:Step )?\d+(?:\.\d+)*\.?(?: ·)? +")  # "1. ", "Step 1 · ", "1.1 "
STAMPED_IDS = {"colab-install", "neighbours"}  # cells the stamps make keep a name; the others an 8-hex id


def stamp_headings(lesson: Lesson) -> None:
    """Number a lesson's sections one way, "## 1. Title", in order; sub-sections ("###") carry no number."""
    number = 0
    for cell in lesson.notebook.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.split("\n")
        for i, line in enumerate(lines):
            level, _, title = line.partition(" ")
            if level not in ("##", "###") or not title:
                continue
            title = SECTION_NUMBER.sub("", title)
            if level == "##" and title not in UNNUMBERED and lesson.number != "00":
                number += 1
                title = f"{number}. {title}"
            lines[i] = f"{level} {title}"
        cell.source = "\n".join(lines)


def stamp_cell_ids(lesson: Lesson) -> None:
    """One kind of cell id: 8 hexadecimal digits (as Jupyter makes them), derived from the old id so that
    stamping twice changes nothing; the cells the stamps make keep their names."""
    seen = set()
    for cell in lesson.notebook.cells:
        if cell.id not in STAMPED_IDS and not re.fullmatch(r"[0-9a-f]{8}", cell.id) or cell.id in seen:
            cell.id = hashlib.sha1(f"{lesson.path.stem}/{cell.id}".encode()).hexdigest()[:8]
        seen.add(cell.id)


def stamp(root: Path) -> dict[Path, str]:
    """Return {file: new text} for every file whose stamped text differs from what is on disk."""
    lessons = read_lessons(root)
    for lesson in lessons:
        stamp_badge(lesson)
        stamp_colab_cell(lesson)
        stamp_solutions(lesson)
        stamp_headings(lesson)
        stamp_cell_ids(lesson)
    stamp_navigation(lessons)
    start_here = lessons[0].notebook.cells
    table_cell = next((c for c in start_here if TABLE_BEGIN in c.source), None)
    if table_cell is None:
        raise ValueError(f"{lessons[0].path.name}: no route table markers ({TABLE_BEGIN} ... {TABLE_END})")
    table_cell.source = replace_table(table_cell.source, route_table(lessons, ""), lessons[0].path.name)
    stamp_glossary_links(lessons, glossary_terms(root))

    readme = root / "README.md"
    new_texts = {readme: replace_table(readme.read_text(), route_table(lessons, "notebooks/"), "README.md")}
    workshop = root / "docs" / "workshop.md"
    record = json.loads((root / "benchmarks" / "notebook_times.json").read_text())
    new_texts[workshop] = replace_table(workshop.read_text(), times_table(lessons, record), "docs/workshop.md",
                                        TIMES_BEGIN, TIMES_END)
    new_texts.update({x.path: nbformat.writes(x.notebook) + "\n" for x in lessons})
    return {path: text for path, text in new_texts.items() if path.read_text() != text}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only list stale files; exit 1 if there are any")
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="repository to stamp (default: this one)")
    args = parser.parse_args()
    try:
        stale = stamp(args.root)
    except (ValueError, FileNotFoundError) as error:  # a notebook or a record the stamps cannot read
        print(error, file=sys.stderr)
        return 2
    for path, text in stale.items():
        print(f"{'stale' if args.check else 'stamped'}: {path.relative_to(args.root)}")
        if not args.check:
            path.write_text(text)
    if args.check and stale:
        print("Run `python scripts/stamp_notebooks.py` (or `make notebooks`) and commit the result.")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
