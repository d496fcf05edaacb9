"""How fast numeric values are read in a locale (reconcile/numbers.py through values.canonicalise_unique).

    python -m bench.numbers_speed [--values 20000]

Builds N distinct values of each shape from a seeded generator (plain integers, figures grouped by thousands,
figures babel must read, numbers in words, bounds and ranges), in English and German, and times the
canonicalisation of each set on a cold cache. Values are distinct, as canonicalise_unique sees them (it runs
on the distinct values of a feed). Prints a Markdown table: microseconds per distinct value.
"""
from __future__ import annotations

import argparse
import random
import time

import pandas as pd
from babel.numbers import format_decimal

from reconcile.numbers import read_number
from reconcile.rules.model import AttributeRule
from reconcile.values import canonicalise_unique

WORDS = {"en": ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
         "de": ["ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"]}
HUNDRED = {"en": " hundred ", "de": "hundert"}
BOUND = {"en": "more than ", "de": "mehr als "}


def shapes(n: int, locale: str) -> dict[str, list[str]]:
    rng = random.Random(7)
    xs = rng.sample(range(1000, 10**9), n)
    fractions = [x + rng.randrange(1, 100) / 100 for x in xs]
    words = sorted({f"{a}{HUNDRED[locale]}{b}".strip() for a in WORDS[locale] for b in WORDS[locale]})
    return {
        "plain integers": [str(x) for x in xs],
        "grouped figures (fast path)": [format_decimal(x, locale=locale) for x in fractions],
        "grouped figures with a plus sign": [f"+{format_decimal(x, locale=locale)}" for x in fractions],
        "figures read by babel (exponent)": [f"{x / 100:.4f}e2".replace(".", "," if locale == "de" else ".")
                                             for x in fractions],
        "numbers in words": words,
        "bounds": [BOUND[locale] + format_decimal(x, locale=locale) for x in xs],
        "ranges": [f"{format_decimal(x, locale=locale)}-{format_decimal(x + 50, locale=locale)}" for x in xs],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=20000, help="distinct values of each shape")
    args = parser.parse_args(argv)
    print("| locale | shape | distinct values | rejected | us per value |")
    print("|---|---|---|---|---|")
    for locale in ("en", "de"):
        rule = AttributeRule.model_validate({"kind": "numeric", "locale": locale})
        for shape, values in shapes(args.values, locale).items():
            read_number.cache_clear()
            started = time.perf_counter()
            canon = canonicalise_unique(pd.Series(values, dtype=object), rule)
            took = time.perf_counter() - started
            print(f"| {locale} | {shape} | {len(values):,} | {(canon.invalid != '').sum():,} | "
                  f"{took / len(values) * 1e6:.1f} |")


if __name__ == "__main__":
    main()
