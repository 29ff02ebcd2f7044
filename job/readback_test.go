package job

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/internal/wallettest"
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
		check := readBackCheck(d, full, nil)
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

// TestReadBackCheckRecords: with a record, the SHA-512 of the stored
// bytes is told only once a copy read back matches what was written,
// whether it was taken while writing or is taken by the read-back, and a
// copy checked after that is still compared in full.
func TestReadBackCheckRecords(t *testing.T) {
	written := bytes.Repeat([]byte("stored bytes "), 700000) // ~8.7 MiB: several read-ahead blocks
	want := sha512.Sum512(written)
	for _, tt := range []struct {
		name  string
		taken []byte // the sum taken while writing; nil: by the read-back
	}{
		{"taken while writing", want[:]},
		{"taken by the read-back", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := newStreamDigest()
			d.Write(written)
			ctx := context.Background()
			record := storedSum{sum: tt.taken}
			check := readBackCheck(d, false, &record)
			bad := bytes.Clone(written)
			bad[len(bad)-1] ^= 0x01
			if err := check(ctx, bytes.NewReader(bad), int64(len(bad))); !errors.Is(err, ErrReadBackDiffers) {
				t.Fatalf("a changed copy: %v", err)
			}
			if record.hex() != "" {
				t.Fatalf("the sum %s was told after only a changed copy", record.hex())
			}
			// The bytes are not a backup: the check fails after the
			// comparison, which is what made them the stored bytes.
			_ = check(ctx, bytes.NewReader(written), int64(len(written)))
			if record.hex() != hex.EncodeToString(want[:]) {
				t.Fatalf("recorded %q, want the SHA-512 of the bytes read back", record.hex())
			}
			if err := check(ctx, bytes.NewReader(bad), int64(len(bad))); !errors.Is(err, ErrReadBackDiffers) {
				t.Fatalf("a changed copy after the record was told: %v", err)
			}
			if record.hex() != hex.EncodeToString(want[:]) {
				t.Fatalf("the record changed to %s", record.hex())
			}
		})
	}
}

// TestCopyAhead: every byte arrives in order at any length around the
// block size; a reader's error, a writer's error and a cancelled context
// stop the copy with that error.
func TestCopyAhead(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{0, 1, aheadBlock - 1, aheadBlock, aheadBlock + 1, aheadBlocks*aheadBlock*2 + 7} {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(i * 7 / 5)
		}
		var got bytes.Buffer
		if err := copyAhead(ctx, &got, bytes.NewReader(src)); err != nil || !bytes.Equal(got.Bytes(), src) {
			t.Errorf("%d bytes: %v, %d bytes copied, equal %v", n, err, got.Len(), bytes.Equal(got.Bytes(), src))
		}
	}
	big := bytes.NewReader(make([]byte, 10*aheadBlock))
	broken := errors.New("the medium went away")
	r := io.MultiReader(io.LimitReader(big, 3*aheadBlock+5), iotest.ErrReader(broken))
	if err := copyAhead(ctx, io.Discard, r); !errors.Is(err, broken) {
		t.Errorf("reader failing: %v", err)
	}
	full := errors.New("writer full")
	big.Seek(0, io.SeekStart)
	if err := copyAhead(ctx, failingWriter{full}, big); !errors.Is(err, full) {
		t.Errorf("writer failing: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	big.Seek(0, io.SeekStart)
	if err := copyAhead(cancelled, io.Discard, big); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// TestStreamDigest: the digest depends on the bytes only, not on how the
// writes split them (the writer's and the read-back's pieces differ), and
// tells apart bytes differing anywhere, in content or length.
func TestStreamDigest(t *testing.T) {
	data := wallettest.RandomBytes(t, 3<<20+17)
	d := newStreamDigest()
	d.Write(data)
	for _, piece := range []int{1, 7, 1000, digestBlock - 1, digestBlock, digestBlock + 1, 1 << 20, len(data)} {
		e := d.same()
		for p := data; len(p) > 0; {
			n := min(piece, len(p))
			e.Write(p[:n])
			p = p[n:]
		}
		if !d.equal(e) {
			t.Errorf("written %d bytes at a time: the digest differs", piece)
		}
	}
	for _, i := range []int{0, 200, digestBlock, len(data) / 2, len(data) - 1} {
		bad := bytes.Clone(data)
		bad[i] ^= 0x80
		e := d.same()
		e.Write(bad)
		if d.equal(e) {
			t.Errorf("byte %d changed: the digest is the same", i)
		}
	}
	short := d.same()
	short.Write(data[:len(data)-1])
	if d.equal(short) {
		t.Error("one byte short: the digest is the same")
	}
	for _, n := range []int{0, 1, 100, digestBlock - 1} { // no whole block
		a, b, c := d.same(), d.same(), d.same()
		a.Write(data[:n])
		b.Write(data[:n])
		c.Write(data[1 : n+1])
		if !a.equal(b) || n > 0 && a.equal(c) {
			t.Errorf("%d bytes: equal to the same bytes %v, to others %v", n, a.equal(b), a.equal(c))
		}
	}
	other := newStreamDigest()
	other.Write(data)
	if d.seed == other.seed || d.blocksSum() == other.blocksSum() {
		t.Error("two digests got the same seed or sum")
	}
}
