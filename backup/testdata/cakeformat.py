#!/usr/bin/env python3
"""An independent implementation of the Cake Wallet backup format, used as a
test oracle for the Go package. Written from docs/FORMAT.md and the
app's lib/core/backup_service_v3.dart, on libsodium (PyNaCl) and Python's
standard library, sharing no code with cakebackup.

  cakeformat.py decrypt PWFILE BACKUP OUTDIR   open a v3 container or bare v2
      blob, check every checksum, extract the inner ZIP into OUTDIR and print
      {"kind", "readme_app", "files": {name: sha256}} as JSON
  cakeformat.py encrypt PWFILE SRCDIR OUT KIND [CHUNK]  zip SRCDIR (deflated,
      like the app) and seal it as KIND: v3 (app layout), v2 (bare XChaCha20
      blob) or v2chacha (the 2022 ChaCha20 layout with a 12-byte nonce). A v3
      container is cut into chunks of CHUNK plaintext bytes, 24 MiB (the
      app's) when absent; tests pass less to get several chunks cheaply.

The password is read from PWFILE, never from the command line.
"""
import hashlib
import io
import json
import os
import sys
import zipfile

from nacl import bindings as sodium

AAD = b"Cake Wallet backup v2"
CHUNK = 24 * 1024 * 1024


def derive(password, salt):
    return hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, 120000, 32)


def checksum(version, salt, nonce, tag, ciphertext):
    h = hashlib.blake2b(digest_size=64)
    for part in (bytes([len(AAD)]), AAD, bytes([version]), salt, nonce, tag, ciphertext):
        h.update(part)
    return h.digest()


def seal(password, plain, legacy_chacha=False):
    salt = os.urandom(16)
    nonce = os.urandom(12 if legacy_chacha else 24)
    key = derive(password, salt)
    enc = (sodium.crypto_aead_chacha20poly1305_ietf_encrypt if legacy_chacha
           else sodium.crypto_aead_xchacha20poly1305_ietf_encrypt)
    sealed = enc(plain, AAD, nonce, key)  # libsodium appends the tag
    ciphertext, tag = sealed[:-16], sealed[-16:]
    return (bytes([2]) + salt + nonce + tag + checksum(2, salt, nonce, tag, ciphertext)
            + ciphertext)


def open_blob(password, blob):
    if len(blob) < 1 + 16 + 12 + 16 + 64:
        raise ValueError("bad data length")
    if blob[0] != 2:
        raise ValueError("unsupported version %d" % blob[0])
    for nonce_len, dec in ((24, sodium.crypto_aead_xchacha20poly1305_ietf_decrypt),
                           (12, sodium.crypto_aead_chacha20poly1305_ietf_decrypt)):
        head = 1 + 16 + nonce_len + 16 + 64
        if len(blob) < head:
            continue
        salt = blob[1:17]
        nonce = blob[17:17 + nonce_len]
        tag = blob[17 + nonce_len:33 + nonce_len]
        check = blob[33 + nonce_len:head]
        ciphertext = blob[head:]
        if checksum(2, salt, nonce, tag, ciphertext) == check:
            return dec(ciphertext + tag, AAD, nonce, derive(password, salt))
    raise ValueError("bad checksum")


def open_backup(password, data):
    if data[:1] == b"\x02":
        return "v2", None, open_blob(password, data)
    outer = zipfile.ZipFile(io.BytesIO(data))
    meta = json.loads(outer.read("metadata.json"))
    if meta["version"] != 3:
        raise ValueError("metadata version %r" % meta["version"])
    readme = outer.read("README.txt").decode("utf-8")
    app = readme.split("This is a ", 1)[1].split(" backup.", 1)[0]
    stream = io.BytesIO(outer.read("data.bin"))
    inner = io.BytesIO()
    for chunk in meta["chunks"]:
        blob = stream.read(chunk["length"]["encrypted"])
        if hashlib.sha512(blob).hexdigest() != chunk["sha512sum"]["encrypted"]:
            raise ValueError("encrypted chunk checksum mismatch")
        plain = open_blob(password, blob)
        if (len(plain) != chunk["length"]["plain"]
                or hashlib.sha512(plain).hexdigest() != chunk["sha512sum"]["plain"]):
            raise ValueError("plain chunk mismatch")
        inner.write(plain)
    if stream.read():
        raise ValueError("data.bin longer than its chunks")
    if hashlib.sha512(inner.getvalue()).hexdigest() != meta["sha512sum"]:
        raise ValueError("inner archive checksum mismatch")
    return "v3", app, inner.getvalue()


def zip_dir(src):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for root, dirs, files in os.walk(src):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                z.write(path, os.path.relpath(path, src).replace(os.sep, "/"))
    return buf.getvalue()


def write_v3(password, inner, chunk_size=CHUNK):
    blobs, chunks = [], []
    for off in range(0, len(inner), chunk_size):
        plain = inner[off:off + chunk_size]
        blob = seal(password, plain)
        blobs.append(blob)
        chunks.append({"sha512sum": {"encrypted": hashlib.sha512(blob).hexdigest(),
                                     "plain": hashlib.sha512(plain).hexdigest()},
                       "length": {"encrypted": len(blob), "plain": len(plain)}})
    meta = {"version": 3, "sha512sum": hashlib.sha512(inner).hexdigest(),
            "chunks": chunks, "cakeVersion": "4.28.0"}
    readme = ("This is a Cake Wallet backup. Do not modify this archive.\n\nApp version: 4.28.0\n\n"
              "If you have any issues with this backup, please contact our in-app support.\n"
              "This backup was created on 2026-11-25T10:11:12.345678\n")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("data.bin", b"".join(blobs))
        z.writestr("metadata.json", json.dumps(meta, indent=4))
        z.writestr("README.txt", readme)
    return out.getvalue()


def main(argv):
    cmd, pwfile = argv[1], argv[2]
    with open(pwfile, encoding="utf-8") as f:
        password = f.read().rstrip("\r\n")
    if cmd == "decrypt":
        with open(argv[3], "rb") as f:
            kind, app, inner = open_backup(password, f.read())
        files = {}
        with zipfile.ZipFile(io.BytesIO(inner)) as z:
            for info in z.infolist():
                if not info.is_dir():
                    files[info.filename] = hashlib.sha256(z.read(info)).hexdigest()
            z.extractall(argv[4])
        json.dump({"kind": kind, "readme_app": app, "files": files}, sys.stdout)
    elif cmd == "encrypt":
        inner = zip_dir(argv[3])
        kind = argv[5]
        if kind == "v3":
            out = write_v3(password, inner, int(argv[6]) if len(argv) > 6 else CHUNK)
        else:
            out = seal(password, inner, legacy_chacha=(kind == "v2chacha"))
        with open(argv[4], "wb") as f:
            f.write(out)
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
