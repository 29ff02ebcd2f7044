package backup

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// testPassword is used by every test that does not test passwords.
const testPassword = "correct horse battery staple"

// readTree returns every regular file under dir by slash name, failing on
// anything else, and checks the permissions restore promises.
func readTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			if fi.Mode().Perm() != 0o700 {
				t.Errorf("folder %s has mode %v, want 0700", p, fi.Mode().Perm())
			}
			return nil
		}
		if !fi.Mode().IsRegular() {
			t.Errorf("%s is not a regular file", p)
			return nil
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("file %s has mode %v, want 0600", p, fi.Mode().Perm())
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// makeBackup collects dir (and settings) and writes a container to memory.
func makeBackup(t testing.TB, dir, settings string, opts WriteOptions) ([]byte, *Summary) {
	t.Helper()
	src, err := Collect(context.Background(), dir, settings)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Password == "" {
		opts.Password = testPassword
	}
	var buf bytes.Buffer
	buf.Grow(int(EstimateSize(src))) // no copying as the buffer grows
	sum, err := Write(context.Background(), &buf, src, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Size != int64(buf.Len()) {
		t.Fatalf("Summary.Size = %d, wrote %d", sum.Size, buf.Len())
	}
	return buf.Bytes(), sum
}

// openBytes opens a backup held in memory.
func openBytes(b []byte) (*Archive, error) {
	return Open(bytes.NewReader(b), int64(len(b)))
}

// zipEntry is one entry of a hand-made inner archive.
type zipEntry struct {
	name string
	body []byte
	mode fs.FileMode // 0 means a 0600 file
}

// innerZip builds an inner archive from entries, in order.
func innerZip(t testing.TB, entries []zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	buf.Grow(zipSize(entries)) // no copying as it grows (tens of MiB for some tests)
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Store, Modified: time.Unix(1700000000, 0)}
		if e.mode != 0 {
			h.SetMode(e.mode)
		} else {
			h.SetMode(0o600)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// testKeys and testSalt let tests that seal many small backups derive the
// key once: sealInnerFast seals with them and restores and verifies can
// pass testKeys.
var (
	testKeys = newKeyCache(testPassword)
	testSalt = []byte("0123456789abcdef")
)

// shareKeys has a take the keys for keys' password from keys instead of
// deriving them (120,000 rounds of HMAC-SHA512, some 50 ms each) from the
// password again: for tests that open a backup sealed with keys (testKeys
// and testSalt, say) and whose point is not the derivation. The readers
// still take the password and find its keys as they always do (keysFor).
// TestAcceptedPassword, TestPasswordKeysDerivedOnce, the golden and the
// vector tests derive.
func shareKeys(a *Archive, keys *keyCache) *Archive {
	if a.keys == nil {
		a.keys = map[string]*keyCache{}
	}
	a.keys[keys.password] = keys
	return a
}

// sealInnerFast wraps arbitrary inner archive bytes into a container with
// the real writer, cut into chunks of chunk bytes, under the shared test
// salt and keys.
func sealInnerFast(t testing.TB, inner []byte, chunk int) []byte {
	t.Helper()
	var buf bytes.Buffer
	_, err := writeContainer(context.Background(), &buf, WriteOptions{Password: testPassword, AppVersion: "9.9.9", chunkSize: chunk, salt: testSalt, keys: testKeys},
		func(w io.Writer) error { _, err := w.Write(inner); return err })
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sealBlobFast seals plaintext into a v2 blob as sealBlob does, with a
// fresh random nonce, but under the shared test salt and keys.
func sealBlobFast(t testing.TB, plaintext []byte) []byte {
	t.Helper()
	key, err := testKeys.key(testSalt)
	if err != nil {
		t.Fatal(err)
	}
	nonce := wallettest.RandomBytes(t, xNonceSize)
	buf := make([]byte, blobOverhead+len(plaintext), blobOverhead+len(plaintext)+tagSize)
	copy(buf[blobOverhead:], plaintext)
	b, err := sealBlobInPlace(buf, len(plaintext), key, testSalt, nonce)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// containerParts returns the entries of a container by name.
func containerParts(t testing.TB, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = body
	}
	return parts
}

// zipSize is about the size of a stored ZIP of entries: their bodies and
// names, and room for each entry's headers (ZIP64's included).
func zipSize(entries []zipEntry) int {
	n := 22 + 56
	for _, e := range entries {
		n += len(e.body) + 2*len(e.name) + 200
	}
	return n
}

// rebuildContainer writes a container from the given entries, in order,
// with method (zip.Store or zip.Deflate) for each.
func rebuildContainer(t testing.TB, method uint16, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	buf.Grow(zipSize(entries))
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func hexSHA512(b []byte) string {
	s := sha512.Sum512(b)
	return hex.EncodeToString(s[:])
}

// assertAbsent fails if path exists, and if anything but path's own
// parent contents were left beside it.
func assertAbsent(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s exists after a failed restore (err %v)", path, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}

func bytesIndex(b, sub []byte) int {
	i := bytes.Index(b, sub)
	if i < 0 {
		panic("test data lost its marker")
	}
	return i
}

func contextCancelled(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithCancel(t.Context())
}
