"""Cheap, stable integer hashing for the sandbox.

Everything the sandbox shows is a pure function of (seed, some label, an integer), so no list
of users is ever stored. Python's `hash()` and `random` are avoided on purpose: the first is
salted per process, the second is not guaranteed stable across Python versions.
"""

from __future__ import annotations

import hashlib
from math import gcd

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix64(x: int) -> int:
    """splitmix64 finaliser: a well-distributed 64-bit value for any integer input."""
    z = (x + GOLDEN) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def derive_key(seed: int, *labels: object) -> int:
    """A 64-bit key for one purpose of one network (setup-time only; blake2b is not hot-path)."""
    text = ":".join([str(seed), *map(str, labels)]).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


class Rng:
    """Tiny deterministic generator (splitmix64 stream) used for mutation batches."""

    __slots__ = ("_state",)

    def __init__(self, key: int) -> None:
        self._state = key & MASK64

    def next64(self) -> int:
        self._state = (self._state + GOLDEN) & MASK64
        return mix64(self._state)

    def below(self, n: int) -> int:
        """Uniform-enough integer in [0, n) (n <= 2**40, modulo bias is negligible)."""
        return self.next64() % n if n > 0 else 0

    def chance(self, p: float) -> bool:
        return self.next64() < p * MASK64


class AffinePerm:
    """Bijection of [0, n): p -> (a*p + b) mod n, so a range can be listed in a shuffled order."""

    __slots__ = ("a", "b", "n")

    def __init__(self, n: int, key: int) -> None:
        self.n = n
        if n <= 1:
            self.a, self.b = 1, 0
            return
        a = (key % n) | 1
        while gcd(a, n) != 1:
            a = (a + 2) % n or 1
        self.a = a
        self.b = mix64(key) % n

    def __call__(self, p: int) -> int:
        return (self.a * p + self.b) % self.n


class PkPermutation:
    """Bijection between universe indices and realistic 10-11 digit pks.

    Two rounds of (odd multiply + add, xorshift) on 34 bits: invertible, so `users/{pk}/info/`
    can map any pk back to its index without a table.
    """

    BITS = 34
    MASK = (1 << BITS) - 1
    OFFSET = 1_000_000_000  # smallest pk: 10 digits; largest 1e9 + 2**34 ~ 1.8e10: 11 digits
    SHIFT = 17  # >= BITS/2, so x ^= x >> SHIFT is its own inverse

    def __init__(self, key: int) -> None:
        self.k1 = (mix64(key) & self.MASK) | 1
        self.k2 = (mix64(key + 1) & self.MASK) | 1
        self.c1 = mix64(key + 2) & self.MASK
        self.c2 = mix64(key + 3) & self.MASK
        self.k1_inv = pow(self.k1, -1, 1 << self.BITS)
        self.k2_inv = pow(self.k2, -1, 1 << self.BITS)

    def pk(self, index: int) -> int:
        m, s = self.MASK, self.SHIFT
        x = (index * self.k1 + self.c1) & m
        x ^= x >> s
        x = (x * self.k2 + self.c2) & m
        x ^= x >> s
        return self.OFFSET + x

    def index(self, pk: int) -> int | None:
        x = pk - self.OFFSET
        if x < 0 or x > self.MASK:
            return None
        m, s = self.MASK, self.SHIFT
        x ^= x >> s
        x = ((x - self.c2) * self.k2_inv) & m
        x ^= x >> s
        return ((x - self.c1) * self.k1_inv) & m


class DecadePerm:
    """Bijection of each decade [10^(d-1), 10^d) onto itself.

    Gives every user a distinct number with as many digits as its index, scrambled so
    neighbours in the universe do not get neighbouring usernames.
    """

    STEP = 7919  # prime, coprime to 9 * 10^k

    def __init__(self, key: int) -> None:
        self._key = key
        # per digit count: (low, size, offset, inverse step); 20 digits covers any index
        self._decades = [(0, 1, 0, 1)] + [
            (
                10 ** (d - 1),
                9 * 10 ** (d - 1),
                key % (9 * 10 ** (d - 1)),
                pow(self.STEP, -1, 9 * 10 ** (d - 1)),
            )
            for d in range(1, 21)
        ]

    def _decade(self, m: int) -> tuple[int, int, int, int]:
        return self._decades[len(str(m))]

    def forward(self, m: int) -> int:
        low, size, offset, _ = self._decade(m)
        return low + ((m - low) * self.STEP + offset) % size

    def backward(self, n: int) -> int:
        low, size, offset, inv = self._decade(n)
        return low + ((n - low - offset) * inv) % size


LETTERS = "abcdefghijklmnopqrstuvwxyz"


def to_letters(n: int) -> str:
    """Bijective base-26 (1 -> a, 26 -> z, 27 -> aa): injective, letters only."""
    out = []
    while n > 0:
        n, r = divmod(n - 1, 26)
        out.append(LETTERS[r])
    return "".join(reversed(out))


def from_letters(text: str) -> int:
    n = 0
    for ch in text:
        n = n * 26 + (ord(ch) - 96)
    return n
