package proton

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/destinations/destinationtest"
	"github.com/cakebackup/cakebackup/proton/protontest"
	"github.com/cakebackup/cakebackup/schedule"
)

// errNotGood is what the test's check says of bytes that are not a
// "backup".

// A Proton job with 4 stored backups prunes twice: the second run
// downloads no block, since every backup is the revision that verified. A
// new revision uploaded behind our back is read again and, being bad, is
// left out of the good set and remembered as failed. (Four backups, not
// more: every lookup of a file unlocks its node key, which the bridge
// locks with a 16 MiB key derivation.)
func TestPruneRemembersVerifiedRevisions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	startsGood := destinationtest.PrefixCheck("GOOD") // the test's "backups" start with GOOD
	f := newFakeProton(t)
	// The folder is made first (by the server), so the runs below do
	// not race to make it.
	dest := f.madeDestAt(t, "/Backups/Cake")
	d := dest.drive
	job := schedule.Job{Name: "daily", Retention: schedule.Retention{KeepLast: 20}}
	base := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	const n = 4
	var names []string
	for i := range n {
		names = append(names, schedule.BackupName(job.Name, base.Add(time.Duration(i)*24*time.Hour)))
	}
	// The backups are stored at once, as ten runs could: each waits
	// out the bridge's pause after its rename.
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			p, err := dest.Create(ctx, name, -1)
			if err == nil {
				_, err = io.WriteString(p, "GOOD backup "+name)
			}
			if err == nil {
				_, err = p.Commit(ctx, nil)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	store := schedule.VerifiedStore{Path: filepath.Join(t.TempDir(), "verified.json")}
	prune := func() schedule.PrunePlan {
		t.Helper()
		memo, err := store.Memo(dest.Spec())
		if err != nil {
			t.Fatal(err)
		}
		p := schedule.Pruner{Store: dest, Verify: startsGood, Location: time.UTC, Memo: memo}
		plan, err := p.Prune(ctx, job, destinations.Entry{})
		if err != nil {
			t.Fatal(err)
		}
		if err := store.Save(memo); err != nil {
			t.Fatal(err)
		}
		return plan
	}
	downloads := func() int { return f.srv.Calls(protontest.RouteDownloadBlock) }

	before := downloads()
	if plan := prune(); len(plan.Keep) != n || len(plan.Rejected) != 0 {
		t.Fatalf("first run: kept %d, rejected %d; want %d, 0", len(plan.Keep), len(plan.Rejected), n)
	}
	if got := downloads() - before; got < n {
		t.Fatalf("first run downloaded %d blocks; want every backup read (>= %d)", got, n)
	}
	before = downloads()
	if plan := prune(); len(plan.Keep) != n || len(plan.Rejected) != 0 {
		t.Fatalf("second run: kept %d, rejected %d; want %d, 0", len(plan.Keep), len(plan.Rejected), n)
	}
	if got := downloads() - before; got != 0 {
		t.Fatalf("second run downloaded %d blocks; want 0", got)
	}
	vf, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	bad := names[2]
	if rec := vf.Dests[dest.Spec()][bad]; rec.SHA512 == "" || !strings.Contains(rec.Identity, "revision=") || !rec.OK() {
		t.Fatalf("record of %s = %+v; want a verified SHA-512 and revision", bad, rec)
	}

	// A new revision of the 3rd backup, uploaded behind our back.
	folderID, err := dest.folder(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.bridge.UploadFileByReader(ctx, folderID, bad, time.Now(), bytes.NewReader([]byte("BAD! replaced")), 0); err != nil {
		t.Fatal(err)
	}
	for run := range 2 {
		before = downloads()
		plan := prune()
		if len(plan.Keep) != n-1 || len(plan.Rejected) != 1 || plan.Rejected[0].Name != bad || !strings.Contains(plan.Rejected[0].Err.Error(), destinationtest.ErrNoPrefix.Error()) {
			t.Fatalf("run %d after the new revision: kept %d, rejected %+v; want %d and %s", run, len(plan.Keep), plan.Rejected, n-1, bad)
		}
		want := 1 // only the changed backup is read
		if run == 1 {
			want = 0 // unchanged since it failed
		}
		if got := downloads() - before; got != want {
			t.Fatalf("run %d after the new revision downloaded %d blocks; want %d", run, got, want)
		}
	}
	memo, err := store.Memo(dest.Spec())
	if err != nil {
		t.Fatal(err)
	}
	if failed := memo.Failed(); len(failed) != 1 || failed[0].Name != bad {
		t.Fatalf("failed = %+v; want %s", failed, bad)
	}
}

// TestPruneRemembersADamagedCopy: a backup whose block at Proton Drive
// changed (on the fake server's disk) is rejected by prune as damaged
// after one download, and remembered: the next prune rejects it again
// without downloading it.
func TestPruneRemembersADamagedCopy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	f := newFakeProtonWith(t, protontest.WithOptions(protontest.Options{DataDir: data}))
	dest := f.madeDestAt(t, "/Backups/Cake")
	job := schedule.Job{Name: "daily", Retention: schedule.Retention{KeepLast: 20}}
	name := schedule.BackupName(job.Name, time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC))
	if _, err := putBackup(ctx, dest, name, []byte("GOOD backup "+name)); err != nil {
		t.Fatal(err)
	}
	blocks, err := os.ReadDir(filepath.Join(data, "blocks"))
	if err != nil || len(blocks) != 1 {
		t.Fatalf("the fake holds %d blocks (%v), want 1", len(blocks), err)
	}
	block := filepath.Join(data, "blocks", blocks[0].Name())
	b, err := os.ReadFile(block)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(block, b, 0o600); err != nil {
		t.Fatal(err)
	}
	store := schedule.VerifiedStore{Path: filepath.Join(t.TempDir(), "verified.json")}
	for run, wantDownloads := range []int{1, 0} {
		memo, err := store.Memo(dest.Spec())
		if err != nil {
			t.Fatal(err)
		}
		before := f.srv.Calls(protontest.RouteDownloadBlock)
		p := schedule.Pruner{Store: dest, Verify: destinationtest.PrefixCheck("GOOD"), Location: time.UTC, Memo: memo}
		plan, err := p.Prune(ctx, job, destinations.Entry{})
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Keep) != 0 || len(plan.Rejected) != 1 || !strings.Contains(plan.Rejected[0].Err.Error(), ErrDamagedDownload.Error()) {
			t.Fatalf("run %d: kept %d, rejected %+v; want %s rejected as damaged", run+1, len(plan.Keep), plan.Rejected, name)
		}
		if got := f.srv.Calls(protontest.RouteDownloadBlock) - before; got != wantDownloads {
			t.Errorf("run %d downloaded %d blocks, want %d", run+1, got, wantDownloads)
		}
		if err := store.Save(memo); err != nil {
			t.Fatal(err)
		}
	}
}
