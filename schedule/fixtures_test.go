package schedule

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/local"
)

// The tests' stand-in backup format: a magic line, the payload, and the
// payload's SHA-256. verifyTestBackup really reads and checks it, so a
// damaged or foreign file fails, as with backup.IntegrityCheck.
const testMagic = "TESTBACKUP\n"

func encodeTestBackup(payload []byte) []byte {
	sum := sha256.Sum256(payload)
	return slices.Concat([]byte(testMagic), payload, sum[:])
}

func verifyTestBackup(ctx context.Context, r io.ReaderAt, size int64) error {
	if size < int64(len(testMagic))+sha256.Size {
		return errors.New("too short to be a backup")
	}
	data := make([]byte, size)
	if _, err := r.ReadAt(data, 0); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if !bytes.HasPrefix(data, []byte(testMagic)) {
		return errors.New("not a backup")
	}
	payload := data[len(testMagic) : len(data)-sha256.Size]
	sum := sha256.Sum256(payload)
	if !bytes.Equal(sum[:], data[len(data)-sha256.Size:]) {
		return errors.New("checksum mismatch: damaged")
	}
	return nil
}

// newFolder returns a real local folder destination over a new temp dir.
func newFolder(t *testing.T) (*local.Folder, string) {
	t.Helper()
	dir := t.TempDir()
	f, err := local.NewFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	return f, dir
}

// dirNames lists every file in dir, hidden and temporary ones included.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		out = append(out, de.Name())
	}
	return out
}

// folderRun is a RunFunc that backs up the files of source into dest as
// a test backup, streaming it in pieces so a cancel lands mid-write. Each
// write calls onWrite (when set) with the number of pieces written.
type folderRun struct {
	dest    destinations.Destination
	source  string
	pieces  int
	onWrite func(n int)

	mu   sync.Mutex
	runs []Run
}

func (f *folderRun) run(ctx context.Context, run Run) (Result, error) {
	f.mu.Lock()
	f.runs = append(f.runs, run)
	f.mu.Unlock()
	var payload []byte
	des, err := os.ReadDir(f.source)
	if err != nil {
		return Result{}, fmt.Errorf("read source: %w", err)
	}
	for _, de := range des {
		b, err := os.ReadFile(filepath.Join(f.source, de.Name()))
		if err != nil {
			return Result{}, err
		}
		payload = append(payload, b...)
	}
	data := encodeTestBackup(payload)
	p, err := f.dest.Create(ctx, run.BackupName, int64(len(data)))
	if err != nil {
		return Result{}, err
	}
	defer p.Abort(context.WithoutCancel(ctx))
	pieces := max(f.pieces, 1)
	step := (len(data) + pieces - 1) / pieces
	for i := 0; i < len(data); i += step {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		if _, err := p.Write(data[i:min(i+step, len(data))]); err != nil {
			return Result{}, err
		}
		if f.onWrite != nil {
			f.onWrite(i/step + 1)
		}
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	e, err := p.Commit(ctx, verifyTestBackup)
	if err != nil {
		return Result{}, err
	}
	return Result{Copies: []Copy{{Dest: f.dest.Spec(), Entry: e}}}, nil
}

// fakeClock is a Clock whose Sleep moves time forward at once.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return nil
}
