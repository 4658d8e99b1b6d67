"""Training claims that the described procedure misses but a variant of it reproduces.

Each stated number is made here by a NumPy loop written the way the variant
trains (never by handcalc), then handcalc must name that variant.
"""

from __future__ import annotations

import numpy as np
import pytest

from handcalc.check import check
from handcalc.judge import procedures
from handcalc.read.loader import load_text

from test_after_training import B1, B2, EPOCHS, ETA, NET, T, W1, W2, X, _sigmoid


def _loop(after_update: bool = False, biases: bool = True, eta: float = ETA, epochs: int = EPOCHS) -> dict:
    """Full-batch training on E = sum 1/2 (t - out)^2, with one of the variants switched on."""
    w1, b1, w2, b2 = W1.copy(), B1.copy(), W2.copy(), B2.copy()
    for _ in range(epochs):
        hidden = _sigmoid(X @ w1.T + b1)
        out = _sigmoid(hidden @ w2.T + b2)
        delta = (out - T) * out * (1 - out)
        new_w2 = w2 - eta * delta.T @ hidden
        delta_hidden = (delta @ (new_w2 if after_update else w2)) * hidden * (1 - hidden)
        w2 = new_w2
        w1 = w1 - eta * delta_hidden.T @ X
        if biases:
            b2, b1 = b2 - eta * delta.sum(axis=0), b1 - eta * delta_hidden.sum(axis=0)
    out = _sigmoid(_sigmoid(X @ w1.T + b1) @ w2.T + b2)
    return {"loss": float(((T - out) ** 2).sum() / 2), "out": out}


def _verdicts(claims: str) -> dict:
    return {v.claim.id: v for v in check(load_text(NET + claims, "variants.toml")).verdicts}


def _loss_claim(claim_id: str, value: float, epoch: int = EPOCHS) -> str:
    return (f'\n[[claims]]\nid = "{claim_id}"\nkind = "training"\ncheck = "loss_at"\nepoch = {epoch}\n'
            f'stated = "{value:.7f}"\n')


@pytest.mark.parametrize("variant, says", [
    (dict(after_update=True), "hidden deltas use the already updated output weights"),
    (dict(biases=False), "the biases are not updated"),
    (dict(eta=ETA ** 2), "the learning rate is applied twice"),
    (dict(epochs=EPOCHS - 1), "the numbers come from the forward pass before the last update"),
])
def test_the_variant_that_reproduces_a_stated_loss_is_named(variant: dict, says: str) -> None:
    described, stated = _loop()["loss"], _loop(**variant)["loss"]
    assert f"{described:.7f}" != f"{stated:.7f}"  # the variant does change the stated digits
    verdict = _verdicts(_loss_claim("loss", stated))["loss"]
    assert verdict.verdict == "wrong"
    assert f"stated {stated:.7f} matches the replay in which {says}" in verdict.explanation
    assert f"the procedure the text describes gives {described:.7f}"[:-1] in verdict.explanation


def test_an_output_after_training_from_a_variant_is_explained() -> None:
    out = _loop(after_update=True)["out"][1, 0]
    claims = f'\n[[claims]]\nid = "out"\nquantity = "out_y1_r2"\nstage = "after_training"\nstated = "{out:.7f}"\n'
    verdict = _verdicts(claims)["out"]
    assert verdict.verdict == "wrong"
    assert "hidden deltas use the already updated output weights" in verdict.explanation


def test_a_number_no_variant_gives_is_left_wrong_without_a_story() -> None:
    verdict = _verdicts(_loss_claim("loss", _loop()["loss"] * 1.5))["loss"]
    assert verdict.verdict == "wrong" and "matches the replay" not in verdict.explanation


def test_correct_training_claims_never_start_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("a variant was replayed although every training claim is correct")

    monkeypatch.setattr(procedures, "replay", refuse)
    verdict = _verdicts(_loss_claim("loss", _loop()["loss"]))["loss"]
    assert verdict.verdict == "correct"
