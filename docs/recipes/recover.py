#!/usr/bin/env python3
"""Recover an escrow key from Ceremony Workstation share cards (share format version 1).

Usage: python3 recover.py english.txt CARD...
  english.txt  the BIP-39 English word list, one word a line
  CARD         a file holding one card's words (numbered or not) or its QR text
Prints the escrow key as 64 hex digits. Needs nothing but Python 3.
"""
import re
import sys


def gf2048_mul(a, b):  # GF(2^11) modulo x^11 + x^2 + 1
    r = 0
    for _ in range(11):
        if b & 1:
            r ^= a
        b >>= 1
        a <<= 1
        if a & 0x800:
            a ^= 0x805
    return r


def gf256_mul(a, b):  # GF(2^8) modulo x^8 + x^4 + x^3 + x + 1
    r = 0
    for _ in range(8):
        if b & 1:
            r ^= a
        b >>= 1
        a <<= 1
        if a & 0x100:
            a ^= 0x11B
    return r


def gf256_inv(a):
    r = 1
    for _ in range(254):
        r = gf256_mul(r, a)
    return r


def words_check(symbols):
    """C(α^j) = 0 for j = 1, 2, 3 over 'C' 'W' 'S' '1' followed by the 33 symbols."""
    for j in (1, 2, 3):
        point = 1
        for _ in range(j):
            point = gf2048_mul(point, 2)
        acc = 0
        for s in [ord(c) for c in "CWS1"] + symbols:
            acc = gf2048_mul(acc, point) ^ s
        if acc != 0:
            return False
    return True


def card_words(path, text):
    """The card's words in order. Numbered words ("1. abuse", "1) abuse", "1 abuse") are put in
    the order of their numbers: a card numbers its words down each column, and a holder may copy
    them across the rows."""
    entries = [(int(n) if n else None, w) for n, w in re.findall(r"(?:(\d+)\s*[.)]?\s*)?([A-Za-z]+)", text)]
    numbers = [n for n, _ in entries if n is not None]
    if entries and len(numbers) == len(entries):
        if sorted(numbers) != list(range(1, len(entries) + 1)):
            sys.exit(f"{path}: the word numbers are not 1 to {len(entries)}, each once; copy the card again")
        return [w for _, w in sorted(entries)]
    for position, (n, _) in enumerate(entries, start=1):
        if n is not None and n != position:
            sys.exit(f"{path}: word number {n} is in position {position}; number every word or none")
    return [w for _, w in entries]


def read_card(path, words):
    by_word = {w: i for i, w in enumerate(words)}
    by_prefix = {w[:4]: i for i, w in enumerate(words)}
    text = open(path, encoding="utf-8").read()
    prefix = re.match(r"\s*CWS(\d+):", text, flags=re.I)
    if prefix and prefix.group(1) != "1":
        sys.exit(f"{path}: this is a card of share format version {prefix.group(1)}; this decoder reads version 1")
    if prefix:
        text = text[prefix.end():]
    symbols = []
    for token in card_words(path, text):
        t = token.lower()
        i = by_word.get(t)
        if i is None and len(t) >= 4:  # a prefix of 4 or more letters names one word
            j = by_prefix.get(t[:4])
            if j is not None and words[j].startswith(t):
                i = j
        if i is None:
            sys.exit(f"{path}: '{token}' is not in the word list")
        symbols.append(i)
    if len(symbols) != 33:
        sys.exit(f"{path}: {len(symbols)} words, 33 expected")
    if not words_check(symbols):
        sys.exit(f"{path}: the words do not check; read the card again")
    number = 0
    for s in symbols[:30]:  # 30 data words = 330 bits, big-endian
        number = (number << 11) | s
    if number & 0b11:
        sys.exit(f"{path}: padding bits are not zero")
    data = (number >> 2).to_bytes(41, "big")
    card = {"version": data[0], "set": data[1:6].hex().upper(), "k": data[6], "n": data[7], "x": data[8], "y": data[9:]}
    if card["version"] != 1 or card["x"] == 0 or not 2 <= card["k"] <= card["n"]:
        sys.exit(f"{path}: not a valid version-1 share")
    return card


def main():
    words = open(sys.argv[1], encoding="utf-8").read().split()
    if len(words) != 2048:
        sys.exit("the word list must have 2048 words")
    cards = [read_card(p, words) for p in sys.argv[2:]]
    if not cards:
        sys.exit("no cards given")
    if len({(c["set"], c["k"], c["n"]) for c in cards}) != 1:
        sys.exit("the cards come from different sets")
    if len({c["x"] for c in cards}) != len(cards):
        sys.exit("the same share was given twice")
    k = cards[0]["k"]
    if len(cards) < k:
        sys.exit(f"{len(cards)} cards given, {k} needed")
    cards = cards[:k]
    secret = bytearray(32)
    for i, ci in enumerate(cards):  # Lagrange interpolation at x = 0
        weight = 1
        for j, cj in enumerate(cards):
            if i != j:
                weight = gf256_mul(weight, gf256_mul(cj["x"], gf256_inv(ci["x"] ^ cj["x"])))
        for b in range(32):
            secret[b] ^= gf256_mul(weight, ci["y"][b])
    print(secret.hex())


main()
