"""Amounts in Polish words, as printed under "Do zapłaty" ("słownie")."""

from __future__ import annotations

from decimal import Decimal

from invoicehub.domain.taxes import to_grosz

_ONES = ("", "jeden", "dwa", "trzy", "cztery", "pięć", "sześć", "siedem", "osiem", "dziewięć")
_TEENS = (
    "dziesięć",
    "jedenaście",
    "dwanaście",
    "trzynaście",
    "czternaście",
    "piętnaście",
    "szesnaście",
    "siedemnaście",
    "osiemnaście",
    "dziewiętnaście",
)
_TENS = (
    "",
    "",
    "dwadzieścia",
    "trzydzieści",
    "czterdzieści",
    "pięćdziesiąt",
    "sześćdziesiąt",
    "siedemdziesiąt",
    "osiemdziesiąt",
    "dziewięćdziesiąt",
)
_HUNDREDS = (
    "",
    "sto",
    "dwieście",
    "trzysta",
    "czterysta",
    "pięćset",
    "sześćset",
    "siedemset",
    "osiemset",
    "dziewięćset",
)
# (one, few, many) forms of each power of a thousand.
_GROUPS = (
    ("", "", ""),
    ("tysiąc", "tysiące", "tysięcy"),
    ("milion", "miliony", "milionów"),
    ("miliard", "miliardy", "miliardów"),
)
_ZLOTY = ("złoty", "złote", "złotych")


def plural(n: int, forms: tuple[str, str, str]) -> str:
    """The Polish plural form for `n`: 1 złoty, 2-4 złote (but 12-14 złotych), 5+ złotych."""
    if n == 1:
        return forms[0]
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return forms[1]
    return forms[2]


def _below_thousand(n: int) -> list[str]:
    words = [_HUNDREDS[n // 100]]
    rest = n % 100
    if 10 <= rest < 20:
        words.append(_TEENS[rest - 10])
    else:
        words += [_TENS[rest // 10], _ONES[rest % 10]]
    return [w for w in words if w]


def number_in_words(n: int) -> str:
    if n == 0:
        return "zero"
    if n < 0 or n >= 1000 ** len(_GROUPS):
        raise ValueError(f"cannot spell {n}")
    words: list[str] = []
    for power in range(len(_GROUPS) - 1, -1, -1):
        group = n // 1000**power % 1000
        if not group:
            continue
        if power and group == 1:
            words.append(_GROUPS[power][0])  # "tysiąc", not "jeden tysiąc"
        else:
            words += _below_thousand(group)
            if power:
                words.append(plural(group, _GROUPS[power]))
    return " ".join(words)


def amount_in_words(amount: Decimal) -> str:
    """`151.88` -> "sto pięćdziesiąt jeden złotych 88/100"."""
    amount = to_grosz(amount)
    zloty = int(amount)
    grosze = int((amount - zloty) * 100)
    return f"{number_in_words(zloty)} {plural(zloty, _ZLOTY)} {grosze:02d}/100"
