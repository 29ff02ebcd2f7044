package job_test

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
)

func TestMakeToSeveralDestinations(t *testing.T) {
	dir := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("spend key")})
	a, b := t.TempDir(), t.TempDir()
	made, err := job.Make(t.Context(), opener(), job.Backup{
		Source: dir, Dests: []string{"folder:" + a, "folder:" + b}, Name: "two", Password: savePassword,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(made.Stores) != 2 || made.Stores[0].Dest != "folder:"+a || made.Stores[1].Dest != "folder:"+b {
		t.Fatalf("stores %+v", made.Stores)
	}
	one, err := os.ReadFile(filepath.Join(a, "two"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := os.ReadFile(filepath.Join(b, "two"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(one, other) || int64(len(one)) != made.Summary.Size {
		t.Fatalf("the copies differ (%d and %d bytes, %d made)", len(one), len(other), made.Summary.Size)
	}
	restoreAndCompare(t, filepath.Join(b, "two"), dir)
}

func TestMakeKeepsGoodCopyWhenADestinationFails(t *testing.T) {
	dir := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("spend key")})
	good := t.TempDir()
	missing := filepath.Join(t.TempDir(), "unplugged")
	made, err := job.Make(t.Context(), opener(), job.Backup{
		Source: dir, Dests: []string{"folder:" + missing, "folder:" + good}, Name: "b", Password: savePassword,
	})
	var de *job.DestinationsError
	if !errors.As(err, &de) || de.Total != 2 || len(de.Failed) != 1 || !errors.Is(err, destinations.ErrNotFound) {
		t.Fatalf("Make: %v, want one of two destinations failing with ErrNotFound", err)
	}
	if made == nil || made.Stores[0].Err == nil || made.Stores[1].Err != nil || made.Stores[1].Entry.Name != "b" {
		t.Fatalf("made %+v", made)
	}
	restoreAndCompare(t, filepath.Join(good, "b"), dir)
}

func TestMakeSurvivesADestinationFillingUp(t *testing.T) {
	full := smallDisk(t, "1m")
	good := t.TempDir()
	dir := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/cache": []byte("small")})
	// The wallet grows after it was collected, so the size estimate
	// passes the free-space check and the small disk fills mid-write.
	grow := func() {
		os.WriteFile(filepath.Join(dir, "wallets/monero/main/cache"), bytes.Repeat([]byte("wallet"), 1<<19), 0o600)
	}
	made, err := job.Make(t.Context(), opener(), job.Backup{
		Source: dir, Dests: []string{"folder:" + full, "folder:" + good}, Name: "b", Password: savePassword,
		OnCollected: func(*backupSource) { grow() },
	})
	if !errors.Is(err, destinations.ErrNoSpace) {
		t.Fatalf("Make: %v, want ErrNoSpace from the full disk", err)
	}
	if made == nil || made.Stores[1].Err != nil {
		t.Fatalf("made %+v", made)
	}
	assertEmpty(t, full)
	restoreAndCompare(t, filepath.Join(good, "b"), dir)
}

// TestMakeAndSendRefuseRepeatedOrNoDestination: no destination, or one
// place named twice, however it is spelled (folder:DIR, DIR, DIR/), is
// refused before anything is written; writing it twice would only leave
// a second, renamed copy beside the first.
func TestMakeAndSendRefuseRepeatedOrNoDestination(t *testing.T) {
	dir := wallettest.Folder(t, map[string][]byte{"wallets/a/a.keys": []byte("k")})
	file, _ := export(t, "exported", 0)
	out := t.TempDir()
	cases := []struct {
		name  string
		dests []string
		want  error
	}{
		{"none", nil, job.ErrNoDestination},
		{"same spec twice", []string{"folder:" + out, "folder:" + out}, job.ErrDestTwice},
		{"folder and bare path", []string{"folder:" + out, out}, job.ErrDestTwice},
		{"trailing slash", []string{out, "folder:" + out + "/"}, job.ErrDestTwice},
		{"dot segment", []string{"folder:" + out, "folder:" + filepath.Join(out, "..") + "/./" + filepath.Base(out)}, job.ErrDestTwice},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := job.Make(t.Context(), opener(), job.Backup{Source: dir, Dests: c.dests, Password: savePassword})
			if !errors.Is(err, c.want) {
				t.Errorf("Make to %v: %v, want %v", c.dests, err, c.want)
			}
			_, err = job.Send(t.Context(), opener(), job.Shipment{File: file, Dests: c.dests})
			if !errors.Is(err, c.want) {
				t.Errorf("Send to %v: %v, want %v", c.dests, err, c.want)
			}
			assertEmpty(t, out)
		})
	}
}

// flakyOpener opens "flaky:DIR" as the folder DIR whose read-back returns
// the stored bytes with one byte changed, as a fake-capacity stick or a
// flaky cable would, and every other spec as opener() does.
func flakyOpener() job.Opener {
	open := opener()
	return func(ctx context.Context, spec string) (destinations.Destination, error) {
		dir, ok := strings.CutPrefix(spec, "flaky:")
		if !ok {
			return open(ctx, spec)
		}
		d, err := open(ctx, "folder:"+dir)
		return flakyDest{d}, err
	}
}

type flakyDest struct{ destinations.Destination }

func (d flakyDest) Create(ctx context.Context, name string, size int64) (destinations.Pending, error) {
	p, err := d.Destination.Create(ctx, name, size)
	return flakyPending{p}, err
}

type flakyPending struct{ destinations.Pending }

func (p flakyPending) Commit(ctx context.Context, check destinations.Check) (destinations.Entry, error) {
	return p.Pending.Commit(ctx, func(ctx context.Context, r io.ReaderAt, size int64) error {
		return check(ctx, flippedAt{r, size / 2}, size)
	})
}

// flippedAt reads r with the byte at offset at flipped.
type flippedAt struct {
	r  io.ReaderAt
	at int64
}

func (f flippedAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := f.r.ReadAt(p, off)
	if i := f.at - off; i >= 0 && i < int64(n) {
		p[i] ^= 0x40
	}
	return n, err
}

// The SHA-512 recorded for a made backup is taken while reading a copy
// back: when the first destination's medium returns other bytes, that
// copy fails and the sum comes from the next copy, the stored bytes.
func TestMakeRecordsTheSHA512OfACopyThatReadsBack(t *testing.T) {
	dir := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/cache": bytes.Repeat([]byte("wallet"), 1<<19)})
	bad, good := t.TempDir(), t.TempDir()
	made, err := job.Make(t.Context(), flakyOpener(), job.Backup{
		Source: dir, Dests: []string{"flaky:" + bad, "folder:" + good}, Name: "b", Password: savePassword,
	})
	if !errors.Is(err, job.ErrReadBackDiffers) || made == nil {
		t.Fatalf("Make: %v, want the flaky copy failing with ErrReadBackDiffers", err)
	}
	if !errors.Is(made.Stores[0].Err, job.ErrReadBackDiffers) || made.Stores[0].SHA512 != "" || made.Stores[1].Err != nil {
		t.Fatalf("stores %+v", made.Stores)
	}
	assertEmpty(t, bad)
	data, err := os.ReadFile(filepath.Join(good, "b"))
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha512.Sum512(data); made.Stores[1].SHA512 != hex.EncodeToString(sum[:]) {
		t.Errorf("SHA512 %q is not that of the stored file", made.Stores[1].SHA512)
	}
	restoreAndCompare(t, filepath.Join(good, "b"), dir)
}
