"""The prose quotes only figures that the committed outputs show, so that text and outputs cannot drift apart.

A *figure* is a decimal (0.43, 22.7 million), a percentage (99.7%), a ratio (1.64x, 5×, "5 times faster") or a
time (21.3 ms, 34 s, 3 minutes). Whole numbers without a unit (6 layers, 30,522 tokens) are not figures here.
Read, as the prose of notebook NN: its markdown cells, less code spans, link targets, HTML, section numbers,
the stamped route table and the "**Estimated time**" line; the "## NN · Title" section of
docs/instructor_notes.md; and, in docs/workshop.md's cost table, row NN's notes after its measured time.

A figure is backed, for notebook NN, by
1. an output of NN (stream, text/plain or text/markdown) showing a number that rounds to it at the figure's
   own precision: "0.43" by 0.43, 0.4312 or 0.4251, not by 0.4389; "22.7 million" by 22,713,216; a percentage
   also by a fraction (99.7% by 0.997); a time also by an output time in another unit (21.3 ms by 0.0213 s);
2. or a number written in one of NN's code cells, exactly (a setting the prose describes: "10%" by `0.1`),
   except for times: only a time that an output shows backs a time;
3. or, for a time said to be approximate ("about 30 seconds", "~40 s"), a time that an output of NN shows, or
   NN's own running-time estimate, within a factor of APPROXIMATE;
4. or PLOTTED: numbers a plot of NN writes in its picture, read by eye and tied to that picture's hash;
5. or ELSEWHERE: the few figures from outside NN, each with its source; a source that is another notebook or
   a file of the repository is checked like an output.
The "**Estimated time**" line is an estimate, not an output: its learner time must be the *Learner time* of
docs/workshop.md's cost table, and its running time within a factor of APPROXIMATE of that table's measured
*Running all cells* (a wall-clock measurement of the whole notebook, which no output shows).

Limits: a figure is looked for in all of NN's outputs, so a wrong figure that happens to equal another number
shown in NN passes; a bound ("below 0.4") is checked like a value; words ("four times", "half") are not read.
"""

import hashlib
import math
import re
from dataclasses import dataclass

import nbformat
import pytest

from utils import REPO_ROOT

NOTEBOOKS = {path.name[:2]: path for path in sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
APPROXIMATE = 1.5  # "about 30 seconds" may be anything from 20 to 45 s

# Per notebook: a plot's code cell -> (its picture's sha256, the numbers the prose reads in it: written in the
# picture, or read off its axes). A re-run redraws the picture: read the numbers again, then update the hash.
PLOTTED = {
    ("06", 31): ("b0575c7a8d46", "0.00 0.04 0.14 0.19 0.37 0.44 0.49 0.68"),  # cosine similarities
    ("07", 21): ("6080689c0643", "0.36 0.91"),  # read off the axes: the average at layer 6, [CLS] at layer 5
    ("07", 33): ("4bd9fa75abff", "0.41 0.43 0.84 0.91"),  # layer 1, head 8
    ("07", 35): ("b034ce4c53e6", "0.36 0.56 0.86 0.87 0.89"),  # average attention to [CLS]
}
# Per notebook: a source -> the figures (as written) that come from it. A notebook number or a repository file
# is checked like an output; other sources are quoted from outside the repository.
ELSEWHERE = {
    "00": {"the Python versions of pyproject.toml's requires-python (>=3.10,<3.14)": ["3.10", "3.13"]},
    "06": {"the Hugging Face course, chapter 1, section 3: the real model's scores": [
               "0.9598", "0.9995", "0.9994558095932007"],
           "the tiny GPT-2's model card (zoo/gpt2.py): 1,123,456 parameters": ["1.1 million", "1.1M"],
           "data/reviews/README.md": ["0.639"]},  # the stand-in before the hard reviews
    "08": {"an imagined unbalanced split, to say why balance matters": ["90%"],
           "cell 12's label counts (683 and 684, 108 and 108, 153 and 153): guessing scores half": ["50%"]},
    "10": {"08": ["22.7-million", "22.7 million", "22.7M"],  # the classifier's size
           "benchmarks/README.md": ["1.03x", "1.01x", "0.98x", "1.0x", "18 s", "1.38x", "0.60x", "0.62x", "0.95x",
                                    "0.92x", "0.6x", "0.8x", "2.0x",
                                    "1.12x", "1.36x", "1.25x", "1.73x", "1.58x"]},  # the Xeon with AMX
}

SKIPPED = re.compile(
    r"<!-- notebooks:begin.*?<!-- notebooks:end -->"  # the route table, stamped from the headers
    r"|```.*?```|`[^`\n]*`"  # code
    r"|\]\([^)]*\)|<[^>\n]+>|https?://\S+"  # link targets, HTML, addresses
    r"|^#+ [\d.]+ |[Ss]ections? [\d.]+"  # section numbers
    r"|^\*\*Estimated time\*\*.*$",  # the header's estimates (test_the_estimated_times_agree_with_the_measured_table)
    re.DOTALL | re.MULTILINE)
UNITS = {"ms": 0.001, "s": 1, "sec": 1, "second": 1, "seconds": 1, "min": 60, "minute": 60, "minutes": 60}
SCALES = {"million": 1e6, "M": 1e6, "billion": 1e9, "B": 1e9, "k": 1e3}
FIGURE = re.compile(
    r"(?P<about>(?i:about|around|roughly|nearly|almost|~|≈)\s*)?"
    r"(?<![\w.,/-])(?P<number>\d+(?:\.\d+)?)(?![\w,]*\.\d)"
    r"(?:[\s-]?(?P<scale>million|billion|[MBk])\b"
    r"|\s?(?P<percent>%)"
    r"|\s?(?P<ratio>[x×](?![\w.]|\s*\d)|\s+times (?=faster|slower|longer|shorter|more|fewer|bigger|smaller))"
    r"|\s(?P<unit>ms|s|sec|seconds?|min|minutes?)\b)?")
NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?:[eE]-?\d+)?")
TIME = re.compile(rf"({NUMBER.pattern})\s?(ms|s|sec|seconds?|min|minutes?)\b")


@dataclass
class Figure:
    text: str  # as written
    value: float  # in seconds for a time
    step: float  # the precision it is written to, in the same unit
    percent: bool
    time: bool
    approximate: bool


def figures(text: str) -> list[Figure]:
    found = []
    for match in FIGURE.finditer(SKIPPED.sub(" ", text)):
        number, scale, unit = match["number"], match["scale"], match["unit"]
        if not ("." in number or match["percent"] or match["ratio"] or unit):
            continue  # a whole number: a count, not a figure
        factor = SCALES.get(scale, 1) * UNITS.get(unit, 1)
        found.append(Figure(match.group().removeprefix(match["about"] or "").strip(), float(number) * factor,
                            10 ** -len(number.partition(".")[2]) * factor, bool(match["percent"]), bool(unit),
                            bool(match["about"])))
    return found


def numbers(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in NUMBER.findall(text)]


@dataclass
class Evidence:
    """What backs a notebook's figures: the numbers its outputs show, those its code writes, its estimates."""

    outputs: list[float]
    times: list[float]  # the times outputs show, in seconds
    code: set[float]
    learner_minutes: int = 0
    running_seconds: float = math.nan

    @classmethod
    def of_text(cls, text: str) -> "Evidence":
        return cls(numbers(text), [float(n.replace(",", "")) * UNITS[unit] for n, unit in TIME.findall(text)], set())

    @classmethod
    def of_notebook(cls, number: str) -> "Evidence":
        cells = [cell for cell in nbformat.read(NOTEBOOKS[number], as_version=4).cells if cell.cell_type == "code"]
        shown = cls.of_text("\n".join(map(output_text, cells)))
        plotted = [float(n) for (notebook, _), (_, read) in PLOTTED.items() if notebook == number for n in read.split()]
        return cls(shown.outputs + plotted, shown.times, set(numbers("\n".join(cell.source for cell in cells))),
                   *estimated_time(number))

    def backs(self, figure: Figure) -> bool:
        if figure.time:  # only a time backs a time
            near = [*self.times, self.running_seconds] if figure.approximate else []
            return (any(1 / APPROXIMATE <= time / figure.value <= APPROXIMATE for time in near)
                    or self.rounds_to(figure, self.times) or figure.value == 60 * self.learner_minutes)
        fractions = [100 * x for x in self.outputs if x <= 1] if figure.percent else []
        return (self.rounds_to(figure, self.outputs + fractions) or figure.value in self.code
                or (figure.percent and figure.value / 100 in self.code))

    @staticmethod
    def rounds_to(figure: Figure, shown: list[float]) -> bool:
        return any(abs(x - figure.value) <= figure.step / 2 * (1 + 1e-9) for x in shown)

    def closest(self, figure: Figure) -> str:
        distance = lambda x: abs(math.log((x + 1e-9) / (figure.value + 1e-9)))  # noqa: E731
        if figure.time:
            nearest = sorted(set(self.times), key=distance)[:5]
            return ", ".join(f"{1000 * x:g} ms" if x < 1 else f"{x:g} s" for x in nearest) or "none"
        return ", ".join(f"{x:g}" for x in sorted(set(self.outputs), key=distance)[:5]) or "none"


def output_text(cell) -> str:
    texts = []
    for output in cell.get("outputs", []):
        texts.append(output.get("text", ""))
        texts.extend(str(output.get("data", {}).get(kind, "")) for kind in ["text/plain", "text/markdown"])
    return "\n".join(texts)


def estimated_time(number: str) -> tuple[int, float]:
    header = nbformat.read(NOTEBOOKS[number], as_version=4).cells[0].source
    found = re.search(r"\*\*Estimated time\*\*: (\d+) minutes \(running all cells takes about (\d+) (seconds|minutes)",
                      header)
    assert found, f"{NOTEBOOKS[number].name}: the header needs " \
                  "'**Estimated time**: N minutes (running all cells takes about N seconds|minutes ...'"
    return int(found[1]), int(found[2]) * UNITS[found[3]]


EVIDENCE = {number: Evidence.of_notebook(number) for number in NOTEBOOKS}


def unbacked(number: str, text: str) -> list[str]:
    """What is wrong with the figures of `text`, prose about notebook `number`: one line per unbacked figure."""
    evidence, elsewhere = EVIDENCE[number], {f for found in ELSEWHERE.get(number, {}).values() for f in found}
    return [f"{figure.text!r} is in no output of {number} (the closest there: {evidence.closest(figure)})"
            for figure in figures(text) if figure.text not in elsewhere and not evidence.backs(figure)]


def workshop_rows():
    """(line number, notebook, learner time, running time and notes) for each row of the cost table."""
    for line_number, line in enumerate((REPO_ROOT / "docs" / "workshop.md").read_text().splitlines(), 1):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0] in NOTEBOOKS and cells[2].endswith(" min"):
            yield line_number, cells[0], cells[2], cells[3]


def prose():
    """(notebook, where, text) for every piece of prose that speaks of one notebook."""
    for number, path in NOTEBOOKS.items():
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "markdown":
                yield number, f"{path.name}, cell {index}", cell.source
    section = None
    for line_number, line in enumerate((REPO_ROOT / "docs" / "instructor_notes.md").read_text().splitlines(), 1):
        if line.startswith("## "):
            section = line[3:5] if line[5:8] == " · " and line[3:5] in NOTEBOOKS else None
        elif section:
            yield section, f"docs/instructor_notes.md, line {line_number}", line
    for line_number, number, _, running in workshop_rows():
        yield number, f"docs/workshop.md, line {line_number}", running.partition("(")[2]  # notes after the measure


@pytest.mark.parametrize("number", NOTEBOOKS)
def test_every_figure_the_prose_quotes_is_in_an_output(number):
    problems = [f"{where}: {problem}" for about, where, text in prose() if about == number
                for problem in unbacked(number, text)]
    assert not problems, "\n".join(problems)


def test_the_estimated_times_agree_with_the_measured_table():
    rows = {number: (learner, running) for _, number, learner, running in workshop_rows()}
    assert rows.keys() == NOTEBOOKS.keys(), "docs/workshop.md's cost table needs one row per notebook"
    for number, (learner, running) in rows.items():
        estimate, name = EVIDENCE[number], NOTEBOOKS[number].name
        assert learner == f"{estimate.learner_minutes} min", \
            f"{name}: the header says {estimate.learner_minutes} minutes, docs/workshop.md {learner}"
        measured = re.match(r"(?:(\d+) min ?)?(?:(\d+) s)?", running)
        seconds = 60 * int(measured[1] or 0) + int(measured[2] or 0)
        assert 1 / APPROXIMATE <= seconds / estimate.running_seconds <= APPROXIMATE, \
            f"{name}: the header says it runs in about {estimate.running_seconds:.0f} s, docs/workshop.md {running}"


def test_plots_read_by_eye_are_the_ones_committed():
    for (number, index), (sha, _) in PLOTTED.items():
        cell = nbformat.read(NOTEBOOKS[number], as_version=4).cells[index]
        pictures = [hashlib.sha256(output.data["image/png"].encode()).hexdigest()[:12]
                    for output in cell.get("outputs", []) if "image/png" in output.get("data", {})]
        assert sha in pictures, f"{NOTEBOOKS[number].name}, cell {index}: the plot changed ({pictures}): read " \
                                "again the numbers PLOTTED lists for it, in the picture and in the prose, then its hash"


def test_figures_from_elsewhere_are_in_their_source():
    for sources in ELSEWHERE.values():
        for source, quoted in sources.items():
            if source in NOTEBOOKS:
                evidence = EVIDENCE[source]
            elif (REPO_ROOT / source).is_file():
                evidence = Evidence.of_text((REPO_ROOT / source).read_text())
            else:
                continue  # from outside the repository, as its source says
            for text in quoted:
                (figure,) = figures(text)
                assert evidence.backs(figure), f"ELSEWHERE says {text!r} comes from {source}, which does not show it"


def test_a_planted_wrong_figure_is_caught_and_the_right_one_is_not():
    # Notebook 04's exact match on the test dates, as its output shows it (99.7%) and misquoted.
    right = "The model writes 99.7% of the test dates exactly, in about 30 seconds of training."
    assert unbacked("04", right) == []
    wrong = "The model writes 97.9% of the test dates exactly, in about 5 minutes of training."
    assert unbacked("04", wrong) == [
        "'97.9%' is in no output of 04 (the closest there: 98, 99, 99.4, 99.7, 95)",
        "'5 minutes' is in no output of 04 (the closest there: 42 s, 23 s, 287 ms, 43 ms, 32 ms)",
    ]
    # The rule of precision: a figure is a shown number rounded (not cut), or a code setting quoted exactly.
    evidence = Evidence(outputs=[0.4251, 22_713_216], times=[0.0213, 34.0], code={0.1})
    quoted = ["0.43", "0.4", "0.42", "22.7 million", "21.3 ms", "about 40 s", "about 60 s", "10%", "0.1", "0.2"]
    assert [text for text in quoted if not evidence.backs(*figures(text))] == ["0.42", "about 60 s", "0.2"]
