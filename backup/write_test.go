package backup

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

func TestCollect(t *testing.T) {
	dir := t.TempDir()
	wallettest.Write(t, dir, map[string][]byte{
		"b/file":             []byte("bb"),
		"a":                  []byte("a"),
		"~_preferences_dump": []byte("old settings"),
	})
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "b", "link")); err != nil {
		t.Fatal(err)
	}
	mkfifo(t, filepath.Join(dir, "fifo"))
	settings := filepath.Join(t.TempDir(), "settings.json")
	os.WriteFile(settings, []byte(`{"x":1}`), 0o600)

	src, err := Collect(t.Context(), dir, settings)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range src.Files {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "a,b/file,~_preferences_dump" {
		t.Errorf("files %s", got)
	}
	if src.TotalSize != 1+2+7 {
		t.Errorf("TotalSize %d", src.TotalSize)
	}
	skipped := strings.Join(src.Skipped, "\n")
	for _, want := range []string{"skipped symlink b/link", "skipped special file fifo", "skipped ~_preferences_dump"} {
		if !strings.Contains(skipped, want) {
			t.Errorf("Skipped %q lacks %q", src.Skipped, want)
		}
	}
	if src.Files[2].Path != settings {
		t.Errorf("settings come from %s", src.Files[2].Path)
	}

	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if viaLink, err := Collect(t.Context(), link, ""); err != nil || len(viaLink.Files) != 3 {
		t.Errorf("Collect through a symlinked folder: %v", err)
	}

	for _, tt := range []struct {
		name, dir, settings, mention string
	}{
		{"missing folder", filepath.Join(dir, "nope"), "", "nope"},
		{"a file for a folder", filepath.Join(dir, "a"), "", "not a folder"},
		{"missing settings", dir, filepath.Join(dir, "missing.json"), "missing.json"},
		{"settings is a fifo", dir, filepath.Join(dir, "fifo"), "fifo"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			_, err := Collect(ctx, tt.dir, tt.settings)
			if err == nil || !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("got %v, want an error naming %q", err, tt.mention)
			}
		})
	}
}

// TestWriteSourceVanished removes a collected file before Write: the
// error must name it. (Tests run as root, so chmod 000 cannot make a file
// unreadable.)
func TestWriteSourceVanished(t *testing.T) {
	dir := t.TempDir()
	wallettest.Write(t, dir, map[string][]byte{"wallets/monero/a/a.keys": []byte("k"), "wallets/monero/a/a": []byte("c")})
	src, err := Collect(t.Context(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(dir, "wallets", "monero", "a", "a.keys")
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	_, err = Write(t.Context(), &bytes.Buffer{}, src, WriteOptions{Password: testPassword, salt: testSalt, keys: testKeys})
	if err == nil || !strings.Contains(err.Error(), gone) {
		t.Errorf("got %v, want an error naming %s", err, gone)
	}
	// A file replaced by a folder fails while reading, also naming it.
	if err := os.Mkdir(gone, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err = Write(t.Context(), &bytes.Buffer{}, src, WriteOptions{Password: testPassword, salt: testSalt, keys: testKeys})
	if err == nil || !strings.Contains(err.Error(), gone) {
		t.Errorf("got %v, want an error naming %s", err, gone)
	}
}

func TestWriteErrors(t *testing.T) {
	dir := t.TempDir()
	wallettest.Write(t, dir, map[string][]byte{"a": wallettest.RandomBytes(t, 5000)})
	src, err := Collect(t.Context(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("empty password", func(t *testing.T) {
		var buf bytes.Buffer
		if _, err := Write(t.Context(), &buf, src, WriteOptions{}); err == nil {
			t.Fatal("wrote a backup without a password")
		}
		if buf.Len() != 0 {
			t.Errorf("wrote %d bytes", buf.Len())
		}
	})
	t.Run("disk full", func(t *testing.T) {
		full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		if err != nil {
			t.Skip("no /dev/full:", err)
		}
		defer full.Close()
		before := runtime.NumGoroutine()
		_, err = Write(t.Context(), full, src, WriteOptions{Password: testPassword, chunkSize: 1000, salt: testSalt, keys: testKeys})
		if !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("got %v, want ENOSPC", err)
		}
		waitGoroutines(t, before)
	})
}

// cancellingWriter cancels a context once it has received limit bytes.
type cancellingWriter struct {
	buf    bytes.Buffer
	limit  int
	cancel context.CancelFunc
}

func (w *cancellingWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) >= w.limit {
		w.cancel()
	}
	return w.buf.Write(p)
}

func TestWriteCancel(t *testing.T) {
	dir := t.TempDir()
	for i := range 20 {
		wallettest.Write(t, dir, map[string][]byte{filepath.Join("w", string(rune('a'+i))): wallettest.RandomBytes(t, 20000)})
	}
	src, err := Collect(t.Context(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{1, 5000, 100000, 350000} {
		before := runtime.NumGoroutine()
		ctx, cancel := context.WithCancel(t.Context())
		w := &cancellingWriter{limit: limit, cancel: cancel}
		_, err := Write(ctx, w, src, WriteOptions{Password: testPassword, chunkSize: 4096, Workers: 3, salt: testSalt, keys: testKeys})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("limit %d: got %v, want context.Canceled", limit, err)
		}
		waitGoroutines(t, before)
	}
}

// waitGoroutines fails unless the number of goroutines drops back to n.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines still running, want %d:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestEstimateSizeIsAnUpperBound(t *testing.T) {
	t.Parallel()
	for _, files := range []map[string][]byte{
		nil,
		{"a": nil},
		{"wallets/x/y/z": wallettest.RandomBytes(t, 100000), strings.Repeat("long name ", 20): []byte("x")},
	} {
		dir := t.TempDir()
		wallettest.Write(t, dir, files)
		src, err := Collect(t.Context(), dir, "")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := makeBackup(t, dir, "", WriteOptions{AppName: strings.Repeat("A", 100), AppVersion: "1.0", salt: testSalt, keys: testKeys})
		if est := EstimateSize(src); est < int64(len(b)) {
			t.Errorf("EstimateSize = %d, backup is %d bytes", est, len(b))
		}
	}
}

// TestWritePairsPlainSums: where the sealer takes each chunk's plaintext
// SHA-512 along with the whole archive's (pairPlain), the backup has the
// same plaintext sums as where the workers take them, and every reader,
// Verify checking each chunk's plaintext sum included, accepts it.
func TestWritePairsPlainSums(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string][]byte{
		"wallets/monero/a/a":      wallettest.RandomBytes(t, 5000),
		"wallets/monero/a/a.keys": []byte("keys"),
		"wallets/bitcoin/b/b":     wallettest.RandomBytes(t, 3000),
	}
	wallettest.Write(t, dir, files)
	const chunk = 1024 // whole SHA-512 blocks
	plainSums := func(b []byte) []string {
		meta, err := decodeMetadata(containerParts(t, b)["metadata.json"])
		if err != nil {
			t.Fatal(err)
		}
		var sums []string
		for _, c := range meta.Chunks {
			sums = append(sums, c.SHA512.Plain)
		}
		return sums
	}
	workers, wsum := makeBackup(t, dir, "", WriteOptions{AppVersion: "4.20.0", chunkSize: chunk, pairPlain: new(false), salt: testSalt, keys: testKeys})
	paired, psum := makeBackup(t, dir, "", WriteOptions{AppVersion: "4.20.0", chunkSize: chunk, pairPlain: new(true), salt: testSalt, keys: testKeys})
	if psum.SHA512 != wsum.SHA512 || psum.Chunks != wsum.Chunks || psum.Chunks < 3 {
		t.Fatalf("paired %+v, workers %+v", psum, wsum)
	}
	if p, w := plainSums(paired), plainSums(workers); !slices.Equal(p, w) {
		t.Fatalf("plaintext sums paired %v, workers %v", p, w)
	}
	checkBackup(t, paired, psum, testKeys, files, -1, []string{"bitcoin/b", "monero/a"})
	for _, size := range []int64{1000, chunk + 1} {
		if pairPlain(size) {
			t.Errorf("pairPlain(%d): chunks that are not whole SHA-512 blocks paired", size)
		}
	}
}
