"""A Gradio demo of the review sentiment classifier, laid out as a Hugging Face Space.

Built in notebook 09. Run it on its own with ``python app.py`` (from any folder); it prints the
local URL. Which model it loads, first found wins:

1. ``REVIEWS_MODEL``: an environment variable holding a folder or a Hub repo id;
2. ``outputs/reviews-classifier`` of this repository, the model notebook 08 fine-tunes;
3. ``HUB_MODEL_ID`` below: in a real Space there is no ``outputs/`` folder, so set it to the repo
   you pushed in notebook 09 (or set ``REVIEWS_MODEL`` under the Space's Settings → Variables).

Gradio reads ``GRADIO_SERVER_NAME`` and ``GRADIO_SERVER_PORT`` to choose where to listen.
"""

import importlib.util
import os

# With torch from PyPI on Linux comes triton, and triton >= 3.7 loaded after TensorFlow 2.20 crashes Python
# (SIGSEGV, tensorflow/tensorflow#124205); loaded first, it is harmless. The course's setup() does the same.
if importlib.util.find_spec("triton") is not None:
    import triton  # noqa: F401

# Before TensorFlow or transformers are imported: transformers' TF classes need Keras 2 (tf-keras),
# and TensorFlow reads this variable once, at import time.
os.environ["TF_USE_LEGACY_KERAS"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no CUDA/oneDNN start-up notices
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # a demo should not phone home

from pathlib import Path  # noqa: E402  (imports after the environment variables on purpose)

import gradio as gr  # noqa: E402
from transformers import AutoTokenizer, TFAutoModelForSequenceClassification, pipeline  # noqa: E402
from transformers.utils import logging as hf_logging  # noqa: E402

hf_logging.set_verbosity_error()  # transformers 4.57 warns that TF is deprecated on every load

HUB_MODEL_ID = "your-username/reviews-classifier"  # ← your model repo on the Hub (notebook 09)
LOCAL_MODEL = Path(__file__).resolve().parents[2] / "outputs" / "reviews-classifier"
EXAMPLES = [
    "The battery lasts all day and the screen is gorgeous.",
    "The waiter ignored us for an hour and the soup was cold.",
    "Not bad at all, I would stay here again.",
]


def model_source() -> str:
    """Where to load the model from: ``REVIEWS_MODEL``, else the local folder, else the Hub repo."""
    if os.environ.get("REVIEWS_MODEL"):
        return os.environ["REVIEWS_MODEL"]
    if (LOCAL_MODEL / "config.json").is_file():
        return str(LOCAL_MODEL)
    return HUB_MODEL_ID


def load_classifier(source: str):
    """A TensorFlow sentiment-analysis pipeline for the model in ``source`` (folder or repo id).

    The model and tokenizer are loaded explicitly and handed to ``pipeline``: given a name,
    transformers 4.57's ``pipeline`` passes a PyTorch-only ``dtype="auto"`` to the TF model and fails.
    """
    tokenizer = AutoTokenizer.from_pretrained(source)
    model = TFAutoModelForSequenceClassification.from_pretrained(source)
    return pipeline("sentiment-analysis", model=model, tokenizer=tokenizer, framework="tf")


def build_demo(classifier) -> gr.Interface:
    """The Space's user interface: a text box in, both labels with their probabilities out."""

    def predict(text: str) -> dict[str, float]:
        scores = classifier(text, top_k=None, truncation=True)  # every label, best first
        return {score["label"]: score["score"] for score in scores}

    return gr.Interface(
        fn=predict,
        inputs=gr.Textbox(label="Review", lines=3, placeholder="Type a review…"),
        outputs=gr.Label(label="Sentiment", num_top_classes=2),
        examples=EXAMPLES,
        title="Review sentiment",
        description="A BERT-family encoder fine-tuned with Keras on short English reviews. "
        "It always answers POSITIVE or NEGATIVE, even for neutral text.",
        flagging_mode="never",
        api_name="predict",
    )


if __name__ == "__main__":
    build_demo(load_classifier(model_source())).launch()
