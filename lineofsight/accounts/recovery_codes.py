"""Recovery codes as text: how one is made, read back as a person types it, and hashed.

A code is 16 characters from Crockford's base32 alphabet (digits and lower-case letters without
i, l, o and u, so none is mistaken for another): 80 random bits, shown in groups of four,
`abcd-efgh-jkmn-pqrs`. People type it with or without the hyphens or spaces, in either case; as
Crockford's alphabet allows, an i or l typed is read as 1 and an o as 0.

Only a hash of each code is kept (`RecoveryCode` in models): HMAC-SHA-256 keyed with a random
salt of its own, 16 bytes, made with the code. Why this and not the product's password hasher or
a hash keyed with SECRET_KEY:
- 80 random bits cannot be searched for offline, fast hash or not, so a slow hash (Argon2) would
  add nothing but cost: a code given at sign-in is compared with each of the person's codes, and
  ten Argon2 hashes a try would let anyone with the password keep the server busy;
- the salt of its own (ASVS 2.6.2) means no two rows can be compared, nor a table made in advance;
- with no SECRET_KEY in it, an installation restored with another key (docs/operations.md) only
  signs everyone out, and nobody's written-down codes stop working.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

# Crockford's base32: 32 symbols, 5 bits each.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
CODE_LENGTH = 16  # 80 random bits
GROUP = 4

_SEPARATORS = re.compile(r"[\s-]+")
_CROCKFORD_READ = str.maketrans({"i": "1", "l": "1", "o": "0"})


def recovery_code_make() -> str:
    """A new code, as it is shown: groups of four joined by hyphens."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def recovery_code_read(typed: str) -> str:
    """The code a person typed, as it is hashed: without hyphens or spaces, in lower case.

    Only a code of this product's length is read the Crockford way: codes made before it
    (8 characters of ordinary base32, with i, l and o) are kept hashed as they were given."""
    code = _SEPARATORS.sub("", typed or "").lower()
    if len(code) == CODE_LENGTH:
        code = code.translate(_CROCKFORD_READ)
    return code


def recovery_code_salt() -> str:
    return secrets.token_hex(16)


def recovery_code_digest(*, code: str, salt: str) -> str:
    """The hash kept of `code` (already read by `recovery_code_read`) with its salt."""
    return hmac.new(bytes.fromhex(salt), code.encode("utf-8"), hashlib.sha256).hexdigest()


def recovery_code_matches(*, code: str, salt: str, digest: str) -> bool:
    return hmac.compare_digest(recovery_code_digest(code=code, salt=salt), digest)
