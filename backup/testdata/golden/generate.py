#!/usr/bin/env python3
"""Makes the golden backups in this folder with ../cakeformat.py, the
independent implementation of the format (python3 with python3-nacl):

  python3 backup/testdata/golden/generate.py

Tests never run this: golden_test.go reads the files it made, so they
check the Go reader without Python. Salts and nonces are random, so a new
run makes different bytes with the same password and contents; the
contents and password here must match golden_test.go.
"""
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import cakeformat  # noqa: E402

PASSWORD = "gölden pässword 🔑 v2 & v3"

FILES = {
    "wallets/monero/golden wallet/golden wallet": b"monero wallet cache \x00\x01\x02\n",
    "wallets/monero/golden wallet/golden wallet.keys": bytes(range(256)) * 4,
    "wallets/monero/golden wallet/golden wallet.address.txt": b"4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge\n",
    "wallets/bitcoin/größe/größe.address.txt": "bc1qgrößetest0000000000000000000000000\n".encode("utf-8"),
    "wallets/bitcoin/empty/empty.txt": b"",
}


def main():
    with tempfile.TemporaryDirectory() as src:
        for name, data in FILES.items():
            path = os.path.join(src, *name.split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
        inner = cakeformat.zip_dir(src)
    out = {
        "v3.bin": cakeformat.write_v3(PASSWORD, inner),
        "v2-xchacha.bin": cakeformat.seal(PASSWORD, inner),
        "v2-chacha2022.bin": cakeformat.seal(PASSWORD, inner, legacy_chacha=True),
    }
    for name, data in out.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
