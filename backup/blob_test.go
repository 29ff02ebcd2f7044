package backup

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// Test vectors computed independently of this package by a Python script
// (hashlib's PBKDF2-HMAC-SHA512 and BLAKE2b, pyca/cryptography's
// ChaCha20-Poly1305, HChaCha20 written out by hand for XChaCha20) following
// FORMAT.md: password "correct horse battery staple é", salt 00..0f,
// nonce 64..7b (XChaCha20) or c8..d3 (2022 ChaCha20).
const (
	vectorPassword  = "correct horse battery staple \u00e9"
	vectorPlaintext = "Cake Wallet test vector: hello, wallet!\n"
	vectorXBlob     = "02000102030405060708090a0b0c0d0e0f6465666768696a6b6c6d6e6f707172737475767778797a7be830e3bba7cb2eda11462d7a2e2cefaf5b9724027c87c9a7e7a6b0eddd20c10c040ee1586ca682d600ac752e6ea70927ce5098b4cd608443e37ba796cb03ca860a91cdcfa207f4293186ebac123937007839dcf370732ebb6b5db0267d83e13b48581675ab2846b95a557c29485c043e8973fddae17c0b45"
	vectorLegacy    = "02000102030405060708090a0b0c0d0e0fc8c9cacbcccdcecfd0d1d2d3f1ea3395d248b839fdd2f9d258fca4d979842e02e06cdfec79f2264446825479d79ee208e4bcb5f81ed6eba890f7695c57434fa30d3da8fd9b773511d73f04907931789f4e2adc9cf6c300075b15533058b6557fb62b4e71b6afb29a2a3e9a947cce0719088d2da6ca051177381713165499ae7755ac7157"
)

func seqBytes(start, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(start + i)
	}
	return b
}

func TestSealMatchesVector(t *testing.T) {
	key, err := deriveKey(vectorPassword, seqBytes(0, 16))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, blobOverhead+len(vectorPlaintext), blobOverhead+len(vectorPlaintext)+tagSize)
	copy(buf[blobOverhead:], vectorPlaintext)
	got, err := sealBlobInPlace(buf, len(vectorPlaintext), key, seqBytes(0, 16), seqBytes(100, 24))
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(got) != vectorXBlob {
		t.Errorf("sealed blob\n got %x\nwant %s", got, vectorXBlob)
	}
}

func TestOpenVectors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, blob string
		nonceLen   int
	}{
		{"xchacha20", vectorXBlob, 24},
		{"2022 chacha20", vectorLegacy, 12},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw, _ := hex.DecodeString(tt.blob)
			bl, err := parseBlob(raw)
			if err != nil {
				t.Fatal(err)
			}
			if len(bl.nonce) != tt.nonceLen {
				t.Errorf("nonce length %d, want %d", len(bl.nonce), tt.nonceLen)
			}
			key, err := deriveKey(vectorPassword, bl.salt)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := bl.open(key)
			if err != nil {
				t.Fatal(err)
			}
			if string(plain) != vectorPlaintext {
				t.Errorf("plaintext %q", plain)
			}
			// The bare blob is also a whole backup for the reader.
			raw, _ = hex.DecodeString(tt.blob)
			a, err := openBytes(raw)
			if err != nil {
				t.Fatal(err)
			}
			if a.Info().Version != 2 {
				t.Errorf("version %d", a.Info().Version)
			}
			if err := a.CheckIntegrity(t.Context()); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := a.Decrypt(t.Context(), vectorPassword, &out); err != nil {
				t.Fatal(err)
			}
			if out.String() != vectorPlaintext {
				t.Errorf("Decrypt = %q", out.String())
			}
			if err := a.Decrypt(t.Context(), "wrong", &out); !errors.Is(err, ErrDecrypt) {
				t.Errorf("wrong password: %v", err)
			}
		})
	}
}

// TestSealBlobRoundTrip seals plaintexts of each length around a ChaCha20
// block into blobs and opens them. sealBlob draws a salt and derives its
// key (some 50 ms) and opening derives it again, so it seals one length;
// the others are sealed as it seals, by sealBlobInPlace, under the shared
// test salt and keys (sealBlobFast).
func TestSealBlobRoundTrip(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 63, 64, 65, 1000} {
		plain := wallettest.RandomBytes(t, n)
		var b []byte
		var err error
		if n == 65 {
			b, err = sealBlob("pw", plain)
		} else {
			b = sealBlobFast(t, plain)
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != blobOverhead+n {
			t.Errorf("blob of %d bytes is %d long", n, len(b))
		}
		bl, err := parseBlob(b)
		if err != nil {
			t.Fatal(err)
		}
		var key []byte
		if n == 65 {
			key, err = deriveKey("pw", bl.salt)
		} else {
			key, err = testKeys.key(bl.salt)
		}
		if err != nil {
			t.Fatal(err)
		}
		got, err := bl.open(key)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("n=%d: open = %v", n, err)
		}
	}
}

// TestBlobFieldTampering flips one byte in each field of a blob, with and
// without recomputing its checksum, and checks which of the four errors
// FORMAT.md asks to keep apart comes out.
func TestBlobFieldTampering(t *testing.T) {
	t.Parallel()
	orig, _ := hex.DecodeString(vectorXBlob)
	fields := []struct {
		name string
		off  int
	}{
		{"version", 0}, {"salt", 1}, {"nonce", 17}, {"tag", 41}, {"checksum", 57}, {"ciphertext", 121},
		{"last ciphertext byte", len(orig) - 1},
	}
	// One key per salt for all the cases, rather than one per case.
	keys := newKeyCache(vectorPassword)
	for _, f := range fields {
		for _, fix := range []bool{false, true} {
			name := f.name
			if fix {
				name += " with checksum recomputed"
			}
			t.Run(name, func(t *testing.T) {
				b := bytes.Clone(orig)
				b[f.off] ^= 0x01
				if fix && f.name != "checksum" {
					blobChecksum(b[57:57], b[:57], b[121:])
				}
				var want error
				switch {
				case f.name == "version":
					want = ErrUnsupportedVersion
				case f.name == "checksum" || !fix:
					want = ErrBadChecksum
				default:
					want = ErrDecrypt
				}
				err := openBlobBytes(b, keys)
				if !errors.Is(err, want) {
					t.Errorf("got %v, want %v", err, want)
				}
			})
		}
	}
}

func openBlobBytes(b []byte, keys *keyCache) error {
	bl, err := parseBlob(b)
	if err != nil {
		return err
	}
	key, err := keys.key(bl.salt)
	if err != nil {
		return err
	}
	_, err = bl.open(key)
	return err
}

func TestParseBlobErrors(t *testing.T) {
	good, _ := hex.DecodeString(vectorXBlob)
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrBadLength},
		{"version only", []byte{2}, ErrBadLength},
		{"one byte short of the 2022 header", good[:minBlobLen-1], ErrBadLength},
		{"header cut", good[:blobOverhead-1], ErrBadChecksum},
		{"ciphertext cut", good[:len(good)-1], ErrBadChecksum},
		{"version 1", append([]byte{1}, good[1:]...), ErrLegacyV1},
		{"version 3", append([]byte{3}, good[1:]...), ErrUnsupportedVersion},
		{"version 0", append([]byte{0}, good[1:]...), ErrUnsupportedVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseBlob(tt.b); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}
