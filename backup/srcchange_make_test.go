package backup_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
)

// TestMakeSourceChangedLeavesNothing: when a wallet file changes while
// create reads it, the run fails with ErrSourceChanged and the
// destination's pending file, there while the backup was written, is
// removed: no backup, partial or whole, is left under any name. Make is
// asked for a single attempt (job's tests cover its retries).
func TestMakeSourceChangedLeavesNothing(t *testing.T) {
	dir := wallettest.Folder(t, map[string][]byte{"wallets/monero/a/a": wallettest.RandomBytes(t, 64<<10)})
	path := filepath.Join(dir, "wallets", "monero", "a", "a")
	out := t.TempDir()
	r := destinations.NewRegistry()
	local.Register(r, func(string) string { return "" }, local.Detector{}, nil)
	pending := -1
	onProgress := func(int64) {
		if pending >= 0 {
			return
		}
		entries, err := os.ReadDir(out)
		if err != nil {
			t.Fatal(err)
		}
		pending = len(entries)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.Write([]byte("saved meanwhile")); err != nil {
			t.Fatal(err)
		}
	}
	_, err := job.Make(context.Background(), r.Open, job.Backup{
		Source: dir, Dests: []string{"folder:" + out}, Name: "cake_wallet_backup_2026-12-02_1720",
		Password: "a long and unguessable test password", OnProgress: onProgress,
		RetryWaits: []time.Duration{},
	})
	var ce *backup.ChangedError
	if !errors.Is(err, backup.ErrSourceChanged) || !errors.As(err, &ce) || ce.Path != path {
		t.Fatalf("got %v, want a *backup.ChangedError for %s", err, path)
	}
	if pending != 1 {
		t.Errorf("%d files in the destination while the backup was written, want its pending file", pending)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}
