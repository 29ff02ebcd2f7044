package schedule

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/local"
)

// countingFolder is a local folder that counts the backups opened.
type countingFolder struct {
	*local.Folder
	opened []string
}

func (c *countingFolder) Open(ctx context.Context, name string) (destinations.Reader, error) {
	c.opened = append(c.opened, name)
	return c.Folder.Open(ctx, name)
}

// A local backup that verified is not read again until its file changes:
// rewritten in place (same inode, new time) it is read, and a damaged one
// is left out of the good set, remembered as failed and never deleted.
func TestPruneRemembersVerifiedFiles(t *testing.T) {
	ctx := context.Background()
	f, dir := newFolder(t)
	store := &countingFolder{Folder: f}
	job := Job{Name: "nightly", Retention: Retention{KeepLast: 2}}
	base := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	var names []string
	for day := range 3 {
		name := BackupName(job.Name, base.AddDate(0, 0, day))
		if err := os.WriteFile(filepath.Join(dir, name), encodeTestBackup([]byte{byte(day)}), 0o600); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	vs := VerifiedStore{Path: filepath.Join(t.TempDir(), "verified.json")}
	prune := func() PrunePlan {
		t.Helper()
		memo, err := vs.Memo(f.Spec())
		if err != nil {
			t.Fatal(err)
		}
		store.opened = nil
		plan, err := Pruner{Store: store, Verify: verifyTestBackup, Location: time.UTC, Memo: memo}.Prune(ctx, job, destinations.Entry{})
		if err != nil {
			t.Fatal(err)
		}
		if err := vs.Save(memo); err != nil {
			t.Fatal(err)
		}
		return plan
	}
	// Keep the newest two; the oldest is deleted and forgotten.
	if plan := prune(); len(plan.Keep) != 2 || len(plan.Remove) != 1 || len(store.opened) != 3 {
		t.Fatalf("first run: keep %d remove %d, opened %v", len(plan.Keep), len(plan.Remove), store.opened)
	}
	vf, err := vs.Load()
	if err != nil {
		t.Fatal(err)
	}
	if recs := vf.Dests[f.Spec()]; len(recs) != 2 || recs[names[0]].Name != "" || recs[names[2]].SHA512 == "" {
		t.Fatalf("records after the first run = %+v; want the two kept, with sums", recs)
	}
	if plan := prune(); len(plan.Keep) != 2 || len(store.opened) != 0 {
		t.Fatalf("second run: keep %d, opened %v; want nothing read", len(plan.Keep), store.opened)
	}

	// Rewrite the newest in place with damaged bytes of the same size.
	path := filepath.Join(dir, names[2])
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-1] ^= 0xff
	w, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteAt(data, 0); err != nil {
		t.Fatal(err)
	}
	w.Close()
	// A coarse clock could give the same time; the test wants a change.
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	plan := prune()
	if len(store.opened) != 1 || store.opened[0] != names[2] {
		t.Fatalf("after the rewrite opened %v; want only %s", store.opened, names[2])
	}
	if len(plan.Rejected) != 1 || plan.Rejected[0].Name != names[2] || len(plan.Keep) != 1 || plan.Keep[0].Name != names[1] {
		t.Fatalf("after the rewrite: keep %v, rejected %v; want %s kept, %s rejected", plan.Keep, plan.Rejected, names[1], names[2])
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the damaged backup was touched: %v", err)
	}
	memo, err := vs.Memo(f.Spec())
	if err != nil {
		t.Fatal(err)
	}
	if failed := memo.Failed(); len(failed) != 1 || failed[0].Name != names[2] {
		t.Fatalf("failed = %+v; want %s", failed, names[2])
	}
}

// TestRecordStoredKeepsTheJob: the state records which job made a backup,
// and a later full read of it does not forget that.
func TestRecordStoredKeepsTheJob(t *testing.T) {
	s := VerifiedStore{Path: filepath.Join(t.TempDir(), "verified.json")}
	at := time.Date(2026, 12, 1, 2, 30, 0, 0, time.UTC)
	if err := s.RecordStored("folder:/b", "nightly", "cake_wallet_backup_nightly_2026-12-01_023000", 100, "ab", "id1", at); err != nil {
		t.Fatal(err)
	}
	m, err := s.Memo("folder:/b")
	if err != nil {
		t.Fatal(err)
	}
	m.Record("cake_wallet_backup_nightly_2026-12-01_023000", 100, "id2", nil, at.Add(time.Hour), nil)
	if err := s.Save(m); err != nil {
		t.Fatal(err)
	}
	vf, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	v := vf.Dests["folder:/b"]["cake_wallet_backup_nightly_2026-12-01_023000"]
	if v.Job != "nightly" || v.Identity != "id2" {
		t.Fatalf("recorded %+v, want job nightly and the new identity", v)
	}
}
