"""What the tests of the XML readers share: how many records the parsed tree still holds each
time the reader takes one, to show that a return is read as a stream and let go as it goes."""

from __future__ import annotations

import pytest


def records_held(
    monkeypatch: pytest.MonkeyPatch, module, tag: str, owner: object, name: str
) -> list[int]:
    """Watch `module`'s XML parsing: each time `owner.name` (the reader's step for one record)
    is called, the number of `tag` elements the tree's root still holds is added to the list
    returned."""
    roots: list = []
    real_iterparse = module.ElementTree.iterparse

    def iterparse(*args, **kwargs):
        for event, node in real_iterparse(*args, **kwargs):
            if not roots:
                roots.append(node)
            yield event, node

    held: list[int] = []
    real_step = getattr(owner, name)

    def step(*args, **kwargs):
        held.append(len(roots[0].findall(tag)))
        return real_step(*args, **kwargs)

    monkeypatch.setattr(module.ElementTree, "iterparse", iterparse)
    monkeypatch.setattr(owner, name, step)
    return held
