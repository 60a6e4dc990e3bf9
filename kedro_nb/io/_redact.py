"""Keeping secrets out of text: credential values and URL user-info/query strings.

Every repr, describe, log line and error message produced by ``kedro_nb.io`` passes through
these helpers when it could carry a secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "***"
_MIN_SECRET_LEN = 4  # shorter leaves ("us", "1") are not secrets and would mangle every message
_URL_RE = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<rest>[^\s'\"<>)\]]+)")


def secret_values(credentials: Any) -> tuple[str, ...]:
    """Every text or number leaf (4+ characters) of a credentials structure, longest first
    (so replacing one never leaves part of a longer one behind). Booleans are flags, not
    secrets: masking "True"/"False" would only mangle messages."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple, set)):
            for item in value:
                walk(item)
        elif isinstance(value, (str, bytes)):
            text = value.decode(errors="replace") if isinstance(value, bytes) else value
            if len(text) >= _MIN_SECRET_LEN:
                found.add(text)
        elif (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and len(str(value)) >= _MIN_SECRET_LEN
        ):
            found.add(str(value))

    walk(credentials)
    return tuple(sorted(found, key=len, reverse=True))


def url_secrets(url: str) -> tuple[str, ...]:
    """The secret-bearing parts of a URL: user-info, query string and fragment."""
    found = []
    for match in _URL_RE.finditer(url):
        rest = match.group("rest")
        netloc = rest.partition("/")[0]
        if "@" in netloc:
            found.append(netloc.rsplit("@", 1)[0])
        for mark in ("?", "#"):
            if mark in rest:
                found.append(rest.split(mark, 1)[1].split("#", 1)[0])
    return tuple(part for part in found if len(part) >= _MIN_SECRET_LEN)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret replaced by ``***``; the longest first, so
    a secret that holds another is masked whole. The one scrub of kedro-nb: the catalog, the
    session and the log filter all call it."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _redact_one_url(match: re.Match[str]) -> str:
    scheme, rest = match.group("scheme"), match.group("rest")
    netloc, sep, tail = rest.partition("/")
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
    for mark in ("?", "#"):
        if mark in tail:
            tail = tail.split(mark, 1)[0] + mark + MASK
        elif not sep and mark in netloc:
            netloc = netloc.split(mark, 1)[0] + mark + MASK
    return f"{scheme}{netloc}{sep}{tail}"


def redact_urls(text: str) -> str:
    """Mask user-info (``user:pass@``), query strings and fragments of URLs inside ``text``:
    signed URLs and DSNs carry secrets there."""
    if "://" not in text:
        return text
    return _URL_RE.sub(_redact_one_url, text)


def redact_value(value: Any) -> Any:
    """``redact_urls`` applied through dicts, lists and tuples (for describe dicts)."""
    if isinstance(value, str):
        return redact_urls(value)
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if type(value) in (list, tuple):
        return type(value)(redact_value(item) for item in value)
    return value
