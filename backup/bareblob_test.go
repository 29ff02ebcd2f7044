package backup

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// TestBareBlobStreamingMatchesAEAD reads blobs of both layouts, and sizes
// around the read buffer, through the streaming reader and compares with
// chacha20poly1305's one-shot Open: same plaintext, same verdict on every
// tampered byte position class.
func TestBareBlobStreamingMatchesAEAD(t *testing.T) {
	x, _ := hex.DecodeString(vectorXBlob)
	legacy, _ := hex.DecodeString(vectorLegacy)
	var blobs [][]byte
	blobs = append(blobs, x, legacy)
	// One salt for all, as in our own backups: the shared test salt and
	// keys, for sealing and for both readers.
	for _, n := range []int{0, 1, 15, 16, 17, bareBufSize - 1, bareBufSize, bareBufSize + 33} {
		blobs = append(blobs, sealBlobFast(t, wallettest.RandomBytes(t, n)))
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	keys := testKeys
	vkeys := newKeyCache(vectorPassword)
	for i, b := range blobs {
		k := keys
		if i < 2 {
			k = vkeys
		}
		want, wantErr := openInMemory(b, k)
		got, gotErr := openStreaming(t, b, k)
		if wantErr != nil || gotErr != nil || !bytes.Equal(got, want) {
			t.Fatalf("blob %d: streaming %d bytes, %v; in memory %d bytes, %v", i, len(got), gotErr, len(want), wantErr)
		}
		// Tamper with the tag, the first and the last ciphertext byte,
		// and the checksum: both readers must refuse alike.
		for _, pos := range []int{len(b) - 1, minBlobLen, 1 + saltSize + 13, 1 + saltSize + xNonceSize + tagSize} {
			if pos >= len(b) {
				continue
			}
			bad := bytes.Clone(b)
			bad[pos] ^= 1
			_, wantErr := openInMemory(bad, k)
			_, gotErr := openStreaming(t, bad, k)
			if !sameKind(wantErr, gotErr) {
				t.Errorf("blob %d byte %d: streaming says %v, in memory %v", i, pos, gotErr, wantErr)
			}
		}
	}
	// A wrong key fails the tag, not the checksum.
	if _, err := openStreaming(t, blobs[2], newKeyCache("wrong")); !errors.Is(err, ErrDecrypt) {
		t.Errorf("wrong password: %v", err)
	}
}

func openInMemory(b []byte, keys *keyCache) ([]byte, error) {
	bl, err := parseBlob(bytes.Clone(b))
	if err != nil {
		return nil, err
	}
	key, err := keys.key(bl.salt)
	if err != nil {
		return nil, err
	}
	return bl.open(key)
}

func openStreaming(t *testing.T, b []byte, keys *keyCache) ([]byte, error) {
	t.Helper()
	a := &Archive{r: bytes.NewReader(b), size: int64(len(b))}
	pf, err := a.openBarePlain(t.Context(), keys)
	if left, _ := os.ReadDir(os.TempDir()); len(left) > 0 {
		t.Errorf("the plaintext's temporary file is visible: %v", left)
	}
	if err != nil {
		return nil, err
	}
	defer pf.Close()
	out := make([]byte, pf.size)
	if _, err := pf.ReadAt(out, 0); err != nil && pf.size > 0 {
		t.Fatal(err)
	}
	return out, nil
}

func sameKind(a, b error) bool {
	for _, k := range []error{ErrBadChecksum, ErrBadLength, ErrDecrypt, ErrUnsupportedVersion, ErrLegacyV1} {
		if errors.Is(a, k) != errors.Is(b, k) {
			return false
		}
	}
	return (a == nil) == (b == nil)
}

// TestHugeBareBlobBoundedMemory is the hostile "printf '\x02' > f;
// truncate -s 128M f" case (the same as 3G, smaller): a sparse file claiming to be a bare blob.
// CheckIntegrity and Verify refuse it as damaged, reading it in pieces:
// peak RSS stays far below its size: under three quarters of it, which a
// reader holding the whole blob cannot meet.
func TestHugeBareBlobBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 128 MiB twice")
	}
	const size = 128 << 20
	path := filepath.Join(t.TempDir(), "huge")
	if err := os.WriteFile(path, []byte{blobVersion}, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// What earlier tests left on the heap is not this reader's.
	debug.FreeOSMemory()
	resetPeakRSS()
	a, err := Open(f, size)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.CheckIntegrity(t.Context()); !errors.Is(err, ErrBadChecksum) {
		t.Errorf("CheckIntegrity: %v", err)
	}
	if err := a.Verify(t.Context(), testPassword); !errors.Is(err, ErrBadChecksum) {
		t.Errorf("Verify: %v", err)
	}
	if rss := peakRSS(); rss > size/4*3 {
		t.Errorf("peak RSS %d MiB reading a %d MiB blob", rss>>20, size>>20)
	} else {
		t.Logf("peak RSS %d MiB", rss>>20)
	}
}
