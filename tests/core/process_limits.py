"""A process limit (RLIMIT_NPROC) as core.launcher sees it, pretended in this process.

Root and processes with CAP_SYS_RESOURCE are not held to the real limit, so
the tests that need one in this process pretend it.
"""

from __future__ import annotations

import resource

import pytest

from core import launcher


def pretend_process_limit(
    monkeypatch: pytest.MonkeyPatch, soft: int, hard: int, in_use: int
) -> list[tuple[int, int]]:
    """A limit of (soft, hard) for a user with in_use tasks; returns the limits set meanwhile."""
    real_getrlimit, real_setrlimit = resource.getrlimit, resource.setrlimit
    limits_set: list[tuple[int, int]] = []

    def getrlimit(which: int) -> tuple[int, int]:
        return (soft, hard) if which == resource.RLIMIT_NPROC else real_getrlimit(which)

    def setrlimit(which: int, limits: tuple[int, int]) -> None:
        if which == resource.RLIMIT_NPROC:
            limits_set.append(limits)
        else:
            real_setrlimit(which, limits)

    monkeypatch.setattr(resource, "getrlimit", getrlimit)
    monkeypatch.setattr(resource, "setrlimit", setrlimit)
    monkeypatch.setattr(launcher, "_exempt_from_process_limit", lambda: False)
    monkeypatch.setattr(launcher, "_tasks_of_user", lambda uid: in_use)
    return limits_set
