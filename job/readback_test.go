package job

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
)

// TestReadBackCheck: the check publishing relies on refuses a copy the
// medium returns with any byte changed, shortened or grown, and passes
// the bytes that were written.
func TestReadBackCheck(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "wallets", "m"), 0o700)
	os.WriteFile(filepath.Join(dir, "wallets", "m", "k"), bytes.Repeat([]byte("key"), 5000), 0o600)
	src, err := backup.Collect(context.Background(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	d := newStreamDigest()
	if _, err := backup.Write(context.Background(), io.MultiWriter(&buf, d), src, backup.WriteOptions{Password: "a test password"}); err != nil {
		t.Fatal(err)
	}
	written := buf.Bytes()
	ctx := context.Background()
	for _, full := range []bool{false, true} {
		check := readBackCheck(d, full)
		if err := check(ctx, bytes.NewReader(written), int64(len(written))); err != nil {
			t.Fatalf("full=%v: the written bytes fail: %v", full, err)
		}
		for _, i := range []int{0, len(written) / 2, len(written) - 1} {
			bad := bytes.Clone(written)
			bad[i] ^= 0x01
			if err := check(ctx, bytes.NewReader(bad), int64(len(bad))); !errors.Is(err, ErrReadBackDiffers) {
				t.Errorf("full=%v: byte %d flipped: %v", full, i, err)
			}
		}
		if err := check(ctx, bytes.NewReader(written[:len(written)-1]), int64(len(written)-1)); !errors.Is(err, ErrReadBackDiffers) {
			t.Errorf("full=%v: short copy: %v", full, err)
		}
		grown := append(bytes.Clone(written), 0)
		if err := check(ctx, bytes.NewReader(grown), int64(len(grown))); !errors.Is(err, ErrReadBackDiffers) {
			t.Errorf("full=%v: long copy: %v", full, err)
		}
	}
}
