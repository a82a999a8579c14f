"""The series' core calls work offline in a fresh interpreter, as in a fresh notebook kernel."""

import os
import subprocess
import sys
import textwrap

# The example of the article "A Warm Embrace of Language: Exploring Hugging Face".
ARTICLE_SENTENCE = "Hugging Face is creating a tool that democratizes AI."


def run_fresh(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "HF_HUB_OFFLINE": "1", **env}
    environment.pop("TUTORIAL_USE_HUB", None)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, env=environment, timeout=300,
    )


def test_tfautomodel_and_tokenizer_load_offline_with_no_noise():
    result = run_fresh(f"""
        from utils.environment import setup
        setup()
        from transformers import AutoTokenizer, TFAutoModel
        from utils.hub import checkpoint

        tokenizer = AutoTokenizer.from_pretrained(checkpoint("bert-base-uncased"))
        model = TFAutoModel.from_pretrained(checkpoint("bert-base-uncased"))
        inputs = tokenizer({ARTICLE_SENTENCE!r}, return_tensors="tf")
        print(tokenizer.tokenize({ARTICLE_SENTENCE!r}))
        print(type(model).__name__, tuple(model(inputs).last_hidden_state.shape))
    """)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "offline mode" in lines[1]
    assert "'democrat', '##izes'" in lines[-2]
    assert lines[-1] == "TFBertModel (1, 13, 384)"
    assert result.stderr == "", "learners would see this wall of warnings:\n" + result.stderr


def test_setup_refuses_keras_3_with_a_clear_message():
    result = run_fresh("""
        import tensorflow
        tensorflow.keras.layers.Dense  # too early: TensorFlow has now picked Keras 3
        from utils.environment import setup
        setup()
    """, TF_USE_LEGACY_KERAS="0", TF_CPP_MIN_LOG_LEVEL="3")
    assert result.returncode != 0
    assert "Restart the kernel and run the setup cell first" in result.stderr
