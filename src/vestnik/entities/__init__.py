"""Named entities: recognition (a spaCy `ner` trained in-house), base forms, identities and Latin spellings."""
