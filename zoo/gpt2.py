"""Stand-in for gpt2: a small GPT-2 trained here, from scratch, on the bundled reviews.

The real GPT-2 (124M parameters, 40 GB of web text) cannot be downloaded offline. This one has the
same architecture (`GPT2Config`, `TFGPT2LMHeadModel`) and the same kind of tokenizer (byte-level
BPE, trained here on the training split), scaled down so that it trains in about a minute on a CPU.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from utils.data import review_files
from utils.environment import SEED, seed_everything

FOLDER = "gpt2-tiny-reviews"  # under checkpoints/
PACKAGES = ["transformers", "tensorflow", "tf-keras", "tokenizers"]
INPUTS = list(review_files().values())
VOCAB_SIZE, BLOCK, BATCH_SIZE, MAX_EPOCHS = 4000, 64, 16, 40
END = "<|endoftext|>"  # GPT-2's only special token: separates documents


def build(out_dir: Path) -> None:
    import pandas as pd
    import tensorflow as tf
    from tokenizers import ByteLevelBPETokenizer
    from transformers import GPT2Config, GPT2TokenizerFast, TFGPT2LMHeadModel

    seed_everything(deterministic=True)
    texts = {split: pd.read_csv(path).text.tolist() for split, path in review_files().items()}

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        texts["train"], vocab_size=VOCAB_SIZE, min_frequency=2, special_tokens=[END], show_progress=False
    )
    tokenizer = GPT2TokenizerFast(
        tokenizer_object=bpe, bos_token=END, eos_token=END, unk_token=END, model_max_length=128
    )

    config = GPT2Config(
        vocab_size=len(tokenizer), n_positions=128, n_embd=128, n_layer=3, n_head=4,
        bos_token_id=tokenizer.eos_token_id, eos_token_id=tokenizer.eos_token_id,
    )
    model = TFGPT2LMHeadModel(config)
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3))  # no loss given: the model's own LM loss
    train, validation = (blocks(tokenizer, texts[split]) for split in ("train", "validation"))
    stop = tf.keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    started = time.perf_counter()
    history = model.fit(train.shuffle(10_000, seed=SEED).batch(BATCH_SIZE), validation_data=validation.batch(64),
                        epochs=MAX_EPOCHS, callbacks=[stop], verbose=2)
    seconds = time.perf_counter() - started
    val_loss = min(history.history["val_loss"])
    print(f"[zoo] gpt2: validation loss {val_loss:.2f}, perplexity {math.exp(val_loss):.1f}")
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    # restore_best_weights keeps the best epoch's weights at the end, whether early stopping fired or not.
    facts = {"parameters": model.num_parameters(), "epochs": stop.best_epoch + 1,
             "seconds": seconds, "val_loss": val_loss, "train_tokens": int(train.cardinality()) * BLOCK,
             "vocab_size": len(tokenizer), "sample": sample(model, tokenizer, "The hotel")}
    print(f"[zoo] gpt2: sample: {facts['sample']}")
    (out_dir / "README.md").write_text(model_card(**facts))


def sample(model, tokenizer, prompt: str) -> str:
    seed_everything()
    ids = model.generate(**tokenizer(prompt, return_tensors="tf"), do_sample=True, top_k=40, temperature=0.7,
                         max_new_tokens=30,
                         pad_token_id=tokenizer.eos_token_id)
    return tokenizer.decode(ids[0], skip_special_tokens=True).replace("\n", " ")


def blocks(tokenizer, texts: list[str]):
    """One stream of tokens, reviews separated by END, cut into blocks of BLOCK tokens."""
    import tensorflow as tf

    ids = tokenizer(END.join(texts) + END)["input_ids"]
    usable = len(ids) // BLOCK * BLOCK
    chunks = tf.reshape(tf.constant(ids[:usable]), (-1, BLOCK))
    return tf.data.Dataset.from_tensor_slices({"input_ids": chunks, "labels": chunks})


def model_card(parameters: int, epochs: int, seconds: float, val_loss: float, train_tokens: int,
               vocab_size: int, sample: str) -> str:
    return f"""# Offline stand-in for gpt2

A tiny GPT-2 for `pipeline("text-generation")` when the Hugging Face Hub cannot be reached.
Built by `zoo/gpt2.py` (`make prepare`); not the original model.

## How it was made
- Architecture: `GPT2Config` with 3 layers, 4 heads, hidden size 128, context 128 tokens:
  {parameters:,} parameters (the real gpt2 has 124M: 12 layers, 12 heads, hidden 768, context 1024).
- Tokenizer: byte-level BPE like GPT-2's, trained here on the training split of the bundled review
  corpus (`data/reviews/`), {vocab_size:,} tokens including `{END}` (GPT-2's has 50,257).
- Training: from random weights on the training reviews joined by `{END}` and cut into blocks of
  {BLOCK} tokens ({train_tokens:,} tokens), Adam (learning rate 1e-3), batch {BATCH_SIZE}, early stopping on
  validation loss (best after {epochs} epochs), seed {SEED} with TensorFlow op determinism.
  Training took {seconds:.0f} s on this machine's CPU.

## Measured quality
Validation loss {val_loss:.2f} nats per token (perplexity {math.exp(val_loss):.1f}) on the validation
split. A sample (prompt "The hotel", sampling with top-k 40 and temperature 0.7, seed {SEED}; the
tests check that at least 80% of the words sampled this way are real words from the corpus):

> {sample}

It writes review-like English phrases that drift off topic within a sentence or two; it knows
nothing outside these reviews.

## Limits
Trained on {train_tokens:,} tokens, far less than a millionth of what GPT-2 saw: it repeats phrases from the corpus,
loses coherence quickly, and cannot follow a prompt about anything that is not a review. Good for
seeing how generation settings (greedy, temperature, top-k, top-p) change the text, not for
judging what language models can do.
"""

