"""The Bulgarian syntax layer: UPOS, morphological features, lemmas and dependencies.

Trained here from UD_Bulgarian-BTB (`vestnik train syntax`), shipped in `models/syntax-bg`
(CC BY-NC-SA 3.0, inherited from the treebank), run by the `vestnik_syntax` component and
scored by `vestnik eval syntax`.
"""
