"""utils.checks: a pass prints ✅, a stub ⏳, a wrong answer ❌ with expected vs got."""

import numpy as np
import pytest

from utils import checks


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.T / np.sqrt(k.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    weights = softmax(scores)
    return weights @ v, weights


def stub(*args):
    raise NotImplementedError


def verdict(capsys, check, fn) -> str:
    check(fn)
    return capsys.readouterr().out


# --- check_shape ---------------------------------------------------------------------------


def test_check_shape_passes_loudly(capsys):
    checks.check_shape(np.zeros((6, 4)), (6, 4), name="X")
    assert capsys.readouterr().out == "✅ X has shape (6, 4)\n"


def test_check_shape_says_expected_and_got():
    with pytest.raises(AssertionError, match=r"expected weights of shape \(6, 6\), got \(6, 5\)"):
        checks.check_shape(np.zeros((6, 5)), (6, 6), name="weights")


def test_check_shape_none_matches_any_size_but_not_a_missing_axis(capsys):
    checks.check_shape(np.zeros((2, 6, 8)), (None, 6, 8))
    assert capsys.readouterr().out.startswith("✅")
    with pytest.raises(AssertionError, match=r"expected array of shape \(None, 6\), got \(6,\)"):
        checks.check_shape(np.zeros(6), (None, 6))


def test_check_shape_accepts_objects_with_a_shape_and_lists(capsys):
    class Tensor:  # what matters of a tf.Tensor here: a .shape with ints
        shape = (2, 3)

    checks.check_shape(Tensor(), (2, 3), name="t")
    checks.check_shape([[1, 2, 3]], (1, 3), name="nested list")
    assert capsys.readouterr().out.count("✅") == 2


# --- check_function ------------------------------------------------------------------------


def test_check_function_pass_counts_the_cases(capsys):
    cases = [((1, 2), 3), ((np.ones(2), 1), [2.0, 2.0])]
    checks.check_function(lambda a, b: a + b, cases, name="add")
    assert capsys.readouterr().out == "✅ add passed all 2 checks.\n"


def test_check_function_failure_shows_the_call_expected_and_got(capsys):
    checks.check_function(lambda a, b: a - b, [((1, 2), 3)], name="add")
    assert capsys.readouterr().out == "❌ add(1, 2): expected 3, got -1\n"


def test_check_function_stops_at_the_first_failing_case_and_adds_the_hint(capsys):
    calls = []

    def double(x):
        calls.append(x)
        return 2 * x if x < 2 else 0

    checks.check_function(double, [((1,), 2), ((2,), 4), ((3,), 6)],
                          hint=lambda args, got: f"{args[0]} went wrong")
    out = capsys.readouterr().out
    assert out == "❌ double(2): expected 4, got 0\n   Hint: 2 went wrong\n"
    assert calls == [1, 2]


@pytest.mark.parametrize("fn", [stub, lambda x: None], ids=["raises", "returns None"])
def test_check_function_stub_is_not_done_yet_not_a_traceback(capsys, fn):
    checks.check_function(fn, [((1,), 1)], name="my_function")
    assert capsys.readouterr().out == (
        "⏳ my_function is not done yet — fill in the cell above, then run this cell again.\n"
    )


def test_messages_use_the_learners_function_name_or_a_default_for_lambdas(capsys):
    def my_softmax(x):
        return x

    checks.check_softmax(my_softmax)
    checks.check_softmax(lambda x: x)
    checks.check_function(lambda x: x, [((1,), 1)])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("❌ my_softmax([1., 2., 3.])")
    assert out[1].startswith("❌ softmax([1., 2., 3.])")
    assert out[2] == "✅ your function passed 1 check."


def test_check_function_reports_a_crash_in_one_line(capsys):
    checks.check_function(lambda x: 1 / x, [((0,), 1)], name="inverse")
    assert capsys.readouterr().out == "❌ inverse(0) raised ZeroDivisionError: division by zero\n"


def test_check_function_wrong_shape(capsys):
    checks.check_function(lambda x: x.T, [((np.zeros((2, 3)),), np.zeros((2, 3)))], name="f")
    assert "expected shape (2, 3), got shape (3, 2)" in capsys.readouterr().out


def test_check_function_big_arrays_show_the_first_wrong_index(capsys):
    expected = np.zeros((4, 10))
    wrong = expected.copy()
    wrong[1, 2] = 5
    checks.check_function(lambda: wrong, [((), expected)], name="f")
    out = capsys.readouterr().out
    assert "right shape (4, 10), but at index (1, 2) expected 0., got 5." in out


def test_check_function_tolerance_and_booleans(capsys):
    checks.check_function(lambda: 1.0 + 1e-7, [((), 1.0)], name="close")
    checks.check_function(lambda: np.array([1, 0]), [((), np.array([True, False]))], name="bools")
    checks.check_function(lambda: 1.1, [((), 1.0)], name="far", atol=0.01)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("✅ close") and out[1].startswith("✅ bools")
    assert out[2] == "❌ far(): expected 1., got 1.1"


def test_check_function_compares_tuples_part_by_part(capsys):
    checks.check_function(lambda: (1, 2), [((), (1, 3))], name="pair")
    checks.check_function(lambda: 1, [((), (1, 2))], name="single")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "❌ pair(): result 2 of 2: expected 3, got 2"
    assert out[1] == "❌ single(): expected a tuple of 2 results, got 1"


# --- the exercise checks -------------------------------------------------------------------


def naive_softmax(x):
    return np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)


def column_softmax(x):  # normalises along the wrong axis
    return np.exp(x) / np.exp(x).sum(axis=0, keepdims=True)


def test_check_softmax(capsys):
    assert verdict(capsys, checks.check_softmax, softmax) == "✅ softmax passed all 4 checks.\n"
    assert verdict(capsys, checks.check_softmax, stub).startswith("⏳ stub is not done yet")
    out = verdict(capsys, checks.check_softmax, naive_softmax)
    assert out.startswith("❌ naive_softmax([1000., 1001., 1002.]): "
                          "expected [0.09 , 0.245, 0.665], got [nan, nan, nan]")
    assert "subtract each row's maximum" in out
    wrong_axis = verdict(capsys, checks.check_softmax, column_softmax)
    assert "Hint: each row must sum to 1" in wrong_axis


def test_check_scaled_dot_product_attention(capsys):
    check = checks.check_scaled_dot_product_attention
    assert verdict(capsys, check, scaled_dot_product_attention) == (
        "✅ scaled_dot_product_attention passed all 4 checks.\n"
    )
    assert verdict(capsys, check, stub).startswith("⏳")

    def unscaled(q, k, v, mask=None):
        return scaled_dot_product_attention(q * np.sqrt(k.shape[-1]), k, v, mask)

    assert "Hint: divide the scores by np.sqrt(d_k)" in verdict(capsys, check, unscaled)
    def ignores_the_mask(q, k, v, mask=None):
        return scaled_dot_product_attention(q, k, v)

    no_mask = verdict(capsys, check, ignores_the_mask)
    assert no_mask.startswith(
        "❌ ignores_the_mask(<array of shape (3, 4)>, <array of shape (3, 4)>, "
        "<array of shape (3, 2)>, <array of shape (3, 3)>)"
    )
    assert "masked positions need a weight of 0" in no_mask
    def output_only(q, k, v, mask=None):
        return scaled_dot_product_attention(q, k, v, mask)[0]

    only_output = verdict(capsys, check, output_only)
    assert "expected a tuple of 2 results" in only_output
    assert "return output, weights" in only_output


def test_check_causal_mask(capsys):
    check = checks.check_causal_mask
    assert verdict(capsys, check, lambda n: np.tril(np.ones((n, n)))).startswith("✅ causal_mask")
    assert verdict(capsys, check, lambda n: np.tril(np.ones((n, n), dtype=bool))).startswith("✅")
    upper = verdict(capsys, check, lambda n: np.triu(np.ones((n, n))))
    assert upper.startswith("❌ causal_mask(3): expected [[ True, False, False],")
    assert "upper triangle" in upper
    assert "keep the diagonal" in verdict(capsys, check, lambda n: np.tril(np.ones((n, n)), k=-1))
    assert verdict(capsys, check, lambda n: None).startswith("⏳ causal_mask is not done yet")


def test_check_split_heads(capsys):
    def split_heads(x, heads):
        batch, seq, d_model = x.shape
        return x.reshape(batch, seq, heads, d_model // heads).transpose(0, 2, 1, 3)

    def reshape_only(x, heads):
        batch, seq, d_model = x.shape
        return x.reshape(batch, heads, seq, d_model // heads)

    def no_transpose(x, heads):
        batch, seq, d_model = x.shape
        return x.reshape(batch, seq, heads, d_model // heads)

    check = checks.check_split_heads
    assert verdict(capsys, check, split_heads) == "✅ split_heads passed all 3 checks.\n"
    mixed = verdict(capsys, check, reshape_only)
    assert "right shape (2, 4, 3, 2), but at index (0, 0, 1, 0) expected 8., got 2." in mixed
    assert "reshape to (batch, seq, heads, depth) first" in mixed
    not_transposed = verdict(capsys, check, no_transpose)
    assert "expected shape (2, 4, 3, 2), got shape (2, 3, 4, 2)" in not_transposed
    assert "transpose axes 1 and 2" in not_transposed


def test_check_padding_mask(capsys):
    check = checks.check_padding_mask
    good = verdict(capsys, check, lambda ids, pad_id=0: (ids != pad_id)[:, None, None, :])
    assert good == "✅ padding_mask passed all 2 checks.\n"
    as_floats = verdict(capsys, check, lambda ids, pad=0: 1.0 * (ids != pad)[:, None, None, :])
    assert as_floats.startswith("✅")
    flat = verdict(capsys, check, lambda ids, pad_id=0: ids != pad_id)
    assert "expected shape (2, 1, 1, 5), got shape (2, 5)" in flat and "add two axes" in flat
    inverted = verdict(capsys, check, lambda ids, pad_id=0: (ids == pad_id)[:, None, None, :])
    assert "the mask is inverted" in inverted
    ignores_pad_id = verdict(capsys, check, lambda ids, pad_id=0: (ids != 0)[:, None, None, :])
    assert ignores_pad_id.startswith("❌ padding_mask(<array of shape (1, 4)>, 1)")


def running_mean(x):  # causal: position i averages tokens 0..i
    return np.cumsum(x, axis=1) / np.arange(1, x.shape[1] + 1)[:, None]


def plus_full_mean(x):  # not causal: every position sees every token
    return x + x.mean(axis=1, keepdims=True)


def test_check_no_peeking(capsys):
    check = checks.check_no_peeking
    assert verdict(capsys, check, running_mean) == (
        "✅ running_mean never peeks at later tokens, and still sees earlier ones.\n"
    )
    out = verdict(capsys, check, plus_full_mean)
    assert "changing the tokens from position 1 on changed the outputs before position 1" in out
    assert "causal" in out
    assert "ignores the first token" in verdict(capsys, check, lambda x: 2 * x)
    wrong_shape = verdict(capsys, check, lambda x: x[:, :3])
    assert "expected an output of shape (1, 6, 16) (the input's), got (1, 3, 16)" in wrong_shape
    pair = verdict(capsys, check, lambda x: (x, x))
    assert pair == "❌ your function: expected one array of shape (1, 6, 16), got a tuple\n"
    assert verdict(capsys, check, stub).startswith("⏳")
