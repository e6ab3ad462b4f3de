"""The syntax network (torch, for training only): tags, lemmas and a dependency tree from the encoder's vectors.

The design is Dozat and Manning's biaffine parser as UDPipe 2 uses it, on top of the entity encoder's
frozen states, so the pipeline runs the encoder once for both layers: a learnt mix of the encoder's
layers (each word's first and last piece), a word embedding and suffix embeddings, a two-layer BiLSTM,
classifiers for UPOS, UPOS+features and the lemma rule, and biaffine scores for every (dependent, head)
pair; the relation is scored on the chosen head only. Exported to ONNX as two graphs (`heads.onnx`: all
but the relations; `relations.onnx`: the relation of each word given its head), it runs in onnxruntime
without torch, all the sentences of an article in one batch.

The BiLSTM is two unidirectional LSTMs a layer, the backward one reading each sentence reversed
(`reversed_positions`), so that padding the shorter sentences of a batch changes nothing: a padded
`nn.LSTM(bidirectional=True)` would start its backward pass on the padding.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from vestnik.syntax.words import SUFFIX_BUCKETS, SUFFIX_LENGTHS

WORD_DROPOUT = 0.25
"""Share of words whose word embedding is hidden in training, so that unseen words are read from the rest."""
MAIN_OUTPUTS = ["upos", "feats", "lemmas", "arcs", "relation_dependents", "relation_heads"]


def reversed_positions(lengths: list[int], width: int) -> torch.Tensor:
    """For each sentence of a batch padded to `width`: position t reads word length-1-t (padding stays put)."""
    rows = [list(range(length - 1, -1, -1)) + list(range(length, width)) for length in lengths]
    return torch.tensor(rows, dtype=torch.long)


def _gather(states: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
    return states.gather(1, positions[..., None].expand(-1, -1, states.shape[-1]))


class BiLSTM(nn.Module):
    def __init__(self, width: int, hidden: int, layers: int, dropout: float):
        super().__init__()
        sizes = [width] + [2 * hidden] * (layers - 1)
        self.forwards = nn.ModuleList(nn.LSTM(size, hidden, batch_first=True) for size in sizes)
        self.backwards = nn.ModuleList(nn.LSTM(size, hidden, batch_first=True) for size in sizes)
        self.dropout = nn.Dropout(dropout)

    def forward(self, states: torch.Tensor, reverse: torch.Tensor) -> torch.Tensor:
        for layer, (forward, backward) in enumerate(zip(self.forwards, self.backwards)):
            if layer:
                states = self.dropout(states)
            ahead, _ = forward(states)
            behind, _ = backward(_gather(states, reverse))
            states = torch.cat([ahead, _gather(behind, reverse)], -1)
        return states


class Biaffine(nn.Module):
    def __init__(self, width: int):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(width + 1, width + 1))

    def forward(self, dependents: torch.Tensor, heads: torch.Tensor) -> torch.Tensor:
        """Scores (batch × dependents × heads), as matrix products (ONNX runs them faster than an einsum)."""
        dependents = torch.cat([dependents, torch.ones_like(dependents[..., :1])], -1)
        heads = torch.cat([heads, torch.ones_like(heads[..., :1])], -1)
        return torch.matmul(torch.matmul(dependents, self.weight), heads.transpose(1, 2))


class RelationScorer(nn.Module):
    """The relation of each word to a given head: a biaffine score per relation."""

    def __init__(self, width: int, relations: int):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(relations, width + 1, width + 1))

    def forward(self, dependents: torch.Tensor, heads: torch.Tensor, chosen: torch.Tensor) -> torch.Tensor:
        """dependents (batch × words × width), heads (batch × words+1 × width, 0 the root), chosen (batch × words,
        each word's head) → relation scores (batch × words × relations)."""
        dependents = torch.cat([dependents, torch.ones_like(dependents[..., :1])], -1)
        heads = _gather(torch.cat([heads, torch.ones_like(heads[..., :1])], -1), chosen)
        return torch.einsum("bni,rij,bnj->bnr", dependents, self.weight, heads)


def _projection(width: int, out: int, dropout: float) -> nn.Module:
    return nn.Sequential(nn.Linear(width, out), nn.LeakyReLU(0.1), nn.Dropout(dropout))


class SyntaxNetwork(nn.Module):
    def __init__(self, layers: int, width: int, sizes: dict[str, int], hidden: int = 200, dropout: float = 0.33):
        """`layers` × `width`: the encoder vectors of a word; `sizes`: the number of words, UPOS tags,
        feature sets, lemma rules and relations."""
        super().__init__()
        self.mix = nn.Parameter(torch.zeros(layers))
        self.project = nn.Linear(width, 256)
        self.words = nn.Embedding(sizes["words"] + 1, 64)
        self.suffixes = nn.Embedding(SUFFIX_BUCKETS, 32)
        self.dropout = nn.Dropout(dropout)
        self.lstm = BiLSTM(256 + 64 + 32 * SUFFIX_LENGTHS, hidden, 2, dropout)
        state = 2 * hidden
        self.root = nn.Parameter(torch.zeros(1, 1, state))
        self.arc_dependent, self.arc_head = _projection(state, 256, dropout), _projection(state, 256, dropout)
        self.relation_dependent, self.relation_head = _projection(state, 100, dropout), _projection(state, 100, dropout)
        self.arcs, self.relations = Biaffine(256), RelationScorer(100, sizes["relations"])
        self.upos = nn.Linear(state, sizes["upos"])
        self.feats = nn.Linear(state, sizes["feats"])
        self.lemmas = nn.Linear(state, sizes["lemmas"])

    def forward(self, vectors: torch.Tensor, word_ids: torch.Tensor, suffix_ids: torch.Tensor, reverse: torch.Tensor):
        """vectors (batch × words × layers × width), word_ids (batch × words), suffix_ids (batch × words ×
        SUFFIX_LENGTHS), reverse (`reversed_positions`) → UPOS, features and lemma-rule scores (batch × words ×
        classes), arc scores (batch × words × words+1, head 0 the root), and the states the relation scorer
        reads (of each word as a dependent; of the root and each word as a head)."""
        weights = torch.softmax(self.mix, 0)
        encoded = torch.relu(self.project((vectors * weights[None, None, :, None]).sum(2)))
        words = self.words(word_ids)
        if self.training:
            words = words * (torch.rand(word_ids.shape, device=words.device)[..., None] > WORD_DROPOUT)
        states = self.dropout(torch.cat([encoded, words, self.suffixes(suffix_ids).flatten(2)], -1))
        states = self.dropout(self.lstm(states, reverse))
        with_root = torch.cat([self.root.expand(states.shape[0], 1, -1), states], 1)
        arcs = self.arcs(self.arc_dependent(states), self.arc_head(with_root))
        return (self.upos(states), self.feats(states), self.lemmas(states), arcs,
                self.relation_dependent(states), self.relation_head(with_root))


class _Relations(nn.Module):
    def __init__(self, network: SyntaxNetwork):
        super().__init__()
        self.scorer = network.relations

    def forward(self, dependents, heads, chosen):
        return self.scorer(dependents, heads, chosen)


def export_onnx(network: SyntaxNetwork, heads_path: Path, relations_path: Path, layers: int, width: int) -> None:
    """The network as two ONNX graphs over a batch of sentences of any size."""
    network.eval()
    batch, words = 2, 3
    example = (torch.zeros(batch, words, layers, width), torch.zeros(batch, words, dtype=torch.long),
               torch.zeros(batch, words, SUFFIX_LENGTHS, dtype=torch.long), reversed_positions([3, 2], words))
    inputs = ["vectors", "word_ids", "suffix_ids", "reverse"]
    axes = {name: {0: "sentences", 1: "words"} for name in inputs + MAIN_OUTPUTS}
    axes["arcs"] = {0: "sentences", 1: "words", 2: "heads"}
    axes["relation_heads"] = {0: "sentences", 1: "heads"}
    with torch.no_grad():
        torch.onnx.export(network, example, str(heads_path), input_names=inputs, output_names=MAIN_OUTPUTS,
                          dynamic_axes=axes, opset_version=17, dynamo=False)
        outputs = network(*example)
        relation_inputs = (outputs[4], outputs[5], torch.zeros(batch, words, dtype=torch.long))
        names = ["relation_dependents", "relation_heads", "chosen"]
        torch.onnx.export(_Relations(network), relation_inputs, str(relations_path), input_names=names,
                          output_names=["relations"], opset_version=17, dynamo=False,
                          dynamic_axes={"relation_dependents": {0: "sentences", 1: "words"},
                                        "relation_heads": {0: "sentences", 1: "heads"},
                                        "chosen": {0: "sentences", 1: "words"},
                                        "relations": {0: "sentences", 1: "words"}})
