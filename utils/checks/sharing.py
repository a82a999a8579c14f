"""Notebook 09 · Sharing: Model Hub, Datasets and Spaces: its exercises' checks, hints and reference answers."""

from __future__ import annotations

from collections.abc import Callable

from utils.checks.engine import MISSING, learner_answer, name_of, not_done


def check_dataset_card(fn: Callable) -> None:
    """Check ``make_dataset_card()``: a ``huggingface_hub.DatasetCard`` for the bundled reviews
    whose metadata gives language ``en``, licence ``cc-by-4.0``, task ``text-classification`` and
    size ``1K<n<10K``, and whose text has a section on limitations (notebook 09)."""
    name = name_of(fn, "make_dataset_card")
    card = learner_answer(fn, (), call=f"{name}()", not_done=not_done(name))
    if card is MISSING:
        return
    if type(card).__name__ != "DatasetCard":
        print(f"❌ {name}(): expected a DatasetCard, got a {type(card).__name__}.\n"
              "   Hint: a dataset's card is huggingface_hub.DatasetCard, with DatasetCardData for its metadata.")
        return
    metadata = card.data.to_dict()
    wanted = {"language": "en", "license": "cc-by-4.0", "task_categories": "text-classification",
              "size_categories": "1K<n<10K"}
    for key, want in wanted.items():
        value = metadata.get(key)
        if want not in (value if isinstance(value, list) else [value]):
            advice = ("\n   Hint: the corpus has 1,889 reviews; the Hub's size buckets are "
                      "'n<1K', '1K<n<10K', '10K<n<100K', ..." if key == "size_categories" else "")
            print(f"❌ {name}(): expected metadata {key} = {want!r}, got {value!r}{advice}")
            return
    if not any(line.lstrip().startswith("#") and "limitation" in line.lower() for line in card.text.splitlines()):
        print(f"❌ {name}(): expected a heading about limitations in the card's text (such as "
              "'## Limitations'), found none.")
        return
    print(f"✅ {name} has the metadata the Hub indexes and a section on limitations.")

def check_lines_demo(fn: Callable) -> None:
    """Check ``build_lines_demo(classifier)`` (notebook 09): a Gradio app whose endpoint ``/label_lines``
    takes a text holding reviews, one per line, and returns the list of their labels, one per review (blank
    lines skipped), from one call of the classifier on the list of reviews. The check launches the app on
    127.0.0.1, calls it with ``gradio_client`` as a program would, and closes it. Its classifier is a
    stand-in with no model: NEGATIVE when a review holds a word of ``_NEGATIVE_WORDS``, else POSITIVE."""
    name = name_of(fn, "build_lines_demo")
    classifier = _KeywordClassifier()
    app = learner_answer(fn, (classifier,), call=f"{name}(classifier)", not_done=not_done(name))
    if app is MISSING:
        return
    print(_lines_demo_verdict(app, classifier, name))

_NEGATIVE_WORDS = {"awful", "cold", "rude", "never", "broken"}

_LINES_CASES = [  # the text sent to /label_lines, and the labels it must answer
    ("The battery lasts all day.\nAwful service and cold soup.\n\n   \nFriendly staff, fair prices.\n",
     ["POSITIVE", "NEGATIVE", "POSITIVE"]),
    ("Never again.", ["NEGATIVE"]),
]

class _KeywordClassifier:
    """Called like a sentiment-analysis pipeline (a text or a list of texts; ``top_k=None`` for every label);
    it records what each call received."""

    def __init__(self):
        self.calls: list = []

    def __call__(self, texts, **kwargs):
        self.calls.append(texts)
        every_label = "top_k" in kwargs and kwargs["top_k"] is None
        answers = [self._scores(text, every_label) for text in ([texts] if isinstance(texts, str) else texts)]
        return answers[0] if isinstance(texts, str) and every_label else answers

    @staticmethod
    def _scores(text: str, every_label: bool):
        negative = bool(_NEGATIVE_WORDS & set(str(text).lower().replace(",", " ").replace(".", " ").split()))
        best, other = ("NEGATIVE", "POSITIVE") if negative else ("POSITIVE", "NEGATIVE")
        scores = [{"label": best, "score": 0.9}, {"label": other, "score": 0.1}]
        return scores if every_label else scores[0]

def _lines_demo_verdict(app, classifier: _KeywordClassifier, name: str) -> str:
    import contextlib
    import io

    import gradio as gr

    from utils.loopback import free_port, wait_until_free

    if not isinstance(app, gr.Blocks):
        return (f"❌ {name}(classifier): expected a Gradio app (gr.Interface or gr.Blocks), got a "
                f"{type(app).__name__}.\n   Hint: return gr.Interface(fn=..., inputs=..., outputs=..., "
                "api_name='label_lines').")
    port, client = free_port(), None
    try:
        app.launch(server_name="127.0.0.1", server_port=port, share=False, prevent_thread_lock=True,
                   inline=False, inbrowser=False, quiet=True, show_error=True)
        from gradio_client import Client

        client = Client(app.local_url, verbose=False)
        # Gradio prints the traceback of an error in the learner's function: the verdict says it in one line.
        # (Not around launch(): it reconfigures logging, and handlers then close streams they think are theirs.)
        with contextlib.redirect_stderr(io.StringIO()):
            return _ask_lines_demo(client, classifier, name)
    except Exception as error:  # the learner's app, reported in one line
        return f"❌ {name}(classifier) could not be launched and called: {type(error).__name__}: {error}"
    finally:
        if client is not None:
            client.close()
        app.close(verbose=False)
        wait_until_free(port)

def _ask_lines_demo(client, classifier: _KeywordClassifier, name: str) -> str:
    endpoints = list(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    if "/label_lines" not in endpoints:
        return (f"❌ {name}(classifier): the app has no endpoint /label_lines, only {endpoints}.\n"
                "   Hint: gr.Interface(..., api_name='label_lines') names the endpoint.")
    for text, expected in _LINES_CASES:
        classifier.calls.clear()
        try:
            got = client.predict(text, api_name="/label_lines")
        except Exception as error:  # the learner's function raised inside the app
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            return f"❌ /label_lines raised on {text!r}: {message}"
        if got != expected:
            blank = isinstance(got, list) and len(got) > len(expected)
            hint = ("\n   Hint: a blank line (empty, or only spaces) holds no review: skip the lines whose "
                    ".strip() is empty." if blank else "")
            return f"❌ /label_lines on {text!r}: expected {expected}, got {got!r}{hint}"
        if len(classifier.calls) != 1 or isinstance(classifier.calls[0], str):
            return (f"❌ /label_lines on {text!r}: the labels are right, but the classifier was called "
                    f"{len(classifier.calls)} time(s), with {classifier.calls!r}.\n   Hint: call it once, on the "
                    "list of reviews: a pipeline takes a list and runs it in batches.")
    return (f"✅ {name}'s /label_lines endpoint labels each review of a text, one line each, with one "
            "call of the classifier.")
