"""Notebook 05 · Tokenizers: its exercises' checks, hints and reference answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from utils.checks.engine import check_function, list_verdict, name_of


def check_wordpiece(fn: Callable) -> None:
    """Check ``wordpiece(word, vocab)``: BERT's greedy longest-match-first split of one word
    into pieces of ``vocab``, continuation pieces prefixed with ``##``; ``["[UNK]"]`` when
    some part of the word matches no piece (notebook 05)."""
    vocab = {"to", "token", "##s", "##ize", "##izer", "##ization", "un", "##believ", "##able",
             "play", "##ing", "##ed", "a", "##b", "##c"}
    words = ["token", "tokens", "tokenization", "tokenizer", "unbelievable", "playing", "abc", "abz", "xyz"]
    cases = [((word, vocab), _wordpiece(word, vocab)) for word in words]

    def hint(args, got):
        word, vocab = args
        if got and got[0].startswith("##"):
            return "only the pieces after the first one get the ## prefix."
        if "[UNK]" in got and got != ["[UNK]"]:
            return "if some part matches nothing, the whole word becomes ['[UNK]'], as in BERT."
        if len(got) > 1 and not all(piece.startswith("##") for piece in got[1:]):
            return "look the later pieces up with a ## prefix: '##' + word[start:end]."
        if got == ["[UNK]"]:
            return ("this word can be split: at each position try the longest piece first (end from "
                    "len(word) down to start + 1), and give up only when no length matches.")
        return None

    print(list_verdict(fn, cases, name_of(fn, "wordpiece"), hint, shown=lambda args: f"{args[0]!r}, vocab"))

def check_pad_and_truncate(fn: Callable) -> None:
    """Check ``pad_and_truncate(sequences, max_length)`` -> ``(input_ids, attention_mask)``, both
    (batch, max_length): what ``tokenizer(..., padding="max_length", truncation=True)`` does to
    token ids without special tokens, with BERT's [CLS] = 101, [SEP] = 102, [PAD] = 0 (notebook 05)."""
    sequences = [[7592, 2088], [2023, 2003, 1037, 2936, 6251], [2204]]
    cases = [((sequences, n), _pad_and_truncate(sequences, n)) for n in (6, 8, 4)]

    def hint(args, got):
        sequences, max_length = args
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return "return both: `return input_ids, attention_mask`."
        ids, mask = (np.asarray(part) for part in got)
        if ids.ndim == 2 and ids.shape[1] != max_length:
            return f"pad every row to max_length ({max_length}), not to the longest sequence."
        if ids.ndim == 2 and len(ids) == len(sequences) and not np.all((ids == 102).sum(axis=1) == 1):
            return ("every row needs exactly one [SEP]: keep the first max_length - 2 tokens, "
                    "then add [CLS] in front and [SEP] after them.")
        if mask.shape == ids.shape and np.array_equal(mask.astype(bool), ids == 0):
            return "the mask is inverted: 1 on real tokens (including [CLS] and [SEP]), 0 on padding."
        return None

    check_function(fn, cases, name=name_of(fn, "pad_and_truncate"), hint=hint)

def check_lossy_texts(fn: Callable, tokenizers: Sequence) -> None:
    """Check ``lossy_texts(texts, tokenizer)``: the texts that do not come back unchanged when encoded
    without special tokens and decoded again, in their original order (notebook 05)."""
    texts = ["Hugging Face democratizes AI.", "hugging face democratizes ai.", "Café crème, s'il vous plaît!",
             "two  spaces", "tokens: 42"]

    def lossy(tokenizer):
        ids = tokenizer(texts, add_special_tokens=False)["input_ids"]
        return [text for text, row in zip(texts, ids, strict=True) if tokenizer.decode(row) != text]

    def hint(args, got):
        if got == texts or not got:
            return "encode with add_special_tokens=False, decode the ids, and keep a text only if it changed."
        return None

    cases = [((texts, tokenizer), lossy(tokenizer)) for tokenizer in tokenizers]
    print(list_verdict(fn, cases, name_of(fn, "lossy_texts"), hint,
                        shown=lambda args: f"texts, {type(args[1]).__name__}"))

def _wordpiece(word: str, vocab) -> list[str]:
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start and (word[start:end] if start == 0 else "##" + word[start:end]) not in vocab:
            end -= 1
        if end == start:
            return ["[UNK]"]
        pieces.append(word[start:end] if start == 0 else "##" + word[start:end])
        start = end
    return pieces

def _pad_and_truncate(sequences, max_length: int, cls: int = 101, sep: int = 102, pad: int = 0):
    rows = [[cls, *sequence[: max_length - 2], sep] for sequence in sequences]
    ids = np.array([row + [pad] * (max_length - len(row)) for row in rows])
    mask = np.array([[1] * len(row) + [0] * (max_length - len(row)) for row in rows])
    return ids, mask
