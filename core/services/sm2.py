"""SM2 signatures with SM3 (GB/T 32918.2-2016, GB/T 32905-2016) on the recommended curve (GB/T 32918.5-2017),
user ID ``1234567812345678`` (GM/T 0009-2012 default), for provinces assessed under GB/T 39786-2021 (issue 47).

The arithmetic is gmssl's (``gmssl.sm2.CryptSM2.sign_with_sm3`` / ``verify_with_sm3``; checked against the
GB/T 32918.2 Annex A example and against OpenSSL 3 in tests/lists/test_sm2_signatures.py). Around it, this
module does what gmssl 3.2.2 leaves to its caller:

- the per-signature secret k and the private key come from :mod:`secrets` (gmssl's ``func.random_hex`` uses
  :mod:`random`, which is predictable; a predictable k gives away the private key);
- the public key is set on the object after construction: ``CryptSM2.__init__`` strips a leading ``04`` with
  ``str.lstrip``, which also eats the leading 0s and 4s of an x coordinate;
- a public key must be a point of the curve, and a signature's r and s must lie in [1, n-1] (GB/T 32918.2 7.1 B1,
  B2), before gmssl's arithmetic sees them.

gmssl (and pycryptodomex, which it imports) is imported only when a key is used: most web workers never sign.
"""
from __future__ import annotations

import re
import secrets

ALG = "SM2-SM3"
#: the curve of GB/T 32918.5-2017
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
#: the private key file: the 32-byte private key in hex between these lines
BEGIN, END = "-----BEGIN GREENMFG SM2 PRIVATE KEY-----", "-----END GREENMFG SM2 PRIVATE KEY-----"
#: DER prefix of an SM2 SubjectPublicKeyInfo (id-ecPublicKey, curve 1.2.156.10197.1.301), as OpenSSL writes it
SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200")
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


def _crypt(private_hex: str, public_hex: str):
    from gmssl.sm2 import CryptSM2

    crypt = CryptSM2(private_key=private_hex, public_key="")
    crypt.public_key = public_hex  # 128 hex digits, x || y (see the module's note on lstrip)
    return crypt


class SM2PublicKey:
    __slots__ = ("x", "y")

    def __init__(self, x: int, y: int):
        if not (0 <= x < P and 0 <= y < P) or (y * y - (x * x * x + A * x + B)) % P:
            raise ValueError("not a point of the SM2 curve")
        self.x, self.y = x, y

    @classmethod
    def from_bytes(cls, raw: bytes) -> SM2PublicKey:
        """The uncompressed point: 65 bytes ``04 || x || y``, or the 64 bytes ``x || y``."""
        if len(raw) == 65 and raw[0] == 4:
            raw = raw[1:]
        if len(raw) != 64:
            raise ValueError("an SM2 public key is an uncompressed point of 64 or 65 bytes")
        return cls(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))

    def raw(self) -> bytes:
        return b"\x04" + self.x.to_bytes(32, "big") + self.y.to_bytes(32, "big")

    def _hex(self) -> str:
        return f"{self.x:064x}{self.y:064x}"

    def verify(self, signature: bytes, payload: bytes) -> bool:
        """Whether ``signature`` (r || s, 64 bytes) is this key's SM2-SM3 signature of ``payload``."""
        if len(signature) != 64:
            return False
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        if not (1 <= r < N and 1 <= s < N):
            return False
        try:
            return bool(_crypt("", self._hex()).verify_with_sm3(signature.hex(), payload))
        except (TypeError, ValueError):  # a sum at infinity: gmssl returns no point
            return False


class SM2PrivateKey:
    __slots__ = ("_d", "_public")

    def __init__(self, d: int):
        if not 1 <= d <= N - 2:
            raise ValueError("an SM2 private key lies in [1, n-2]")
        self._d = d
        from gmssl.sm2 import default_ecc_table

        point = _crypt(f"{d:064x}", "")._kg(d, default_ecc_table["g"])  # dG (gmssl has no key generation)
        self._public = SM2PublicKey(int(point[:64], 16), int(point[64:], 16))

    @classmethod
    def generate(cls) -> SM2PrivateKey:
        return cls(secrets.randbelow(N - 2) + 1)

    def public_key(self) -> SM2PublicKey:
        return self._public

    def text(self) -> bytes:
        """The key file: the private key in hex between labelled lines, with what it is for."""
        return (f"{BEGIN}\nAlgorithm: SM2 (GB/T 32918), signatures SM2-SM3, user ID 1234567812345678\n"
                f"{self._d:064x}\n{END}\n").encode()

    @classmethod
    def from_text(cls, text: str) -> SM2PrivateKey:
        body = text.strip()
        if not (body.startswith(BEGIN) and body.endswith(END)):
            raise ValueError("not a greenmfg SM2 private key file")
        digits = [line.strip() for line in body[len(BEGIN):-len(END)].splitlines() if _HEX64.match(line.strip())]
        if len(digits) != 1:
            raise ValueError("the SM2 key file holds no 64 hex digits")
        return cls(int(digits[0], 16))

    def sign(self, payload: bytes) -> bytes:
        """The SM2-SM3 signature of ``payload``: r || s, 64 bytes."""
        crypt = _crypt(f"{self._d:064x}", self._public._hex())
        while True:  # gmssl answers None for the rare k that GB/T 32918.2 6.1 A5/A6 rejects: take another
            k = secrets.randbelow(N - 1) + 1
            signature = crypt.sign_with_sm3(payload, f"{k:064x}")
            if signature:
                return bytes.fromhex(signature)
