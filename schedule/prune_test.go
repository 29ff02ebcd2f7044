package schedule

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
)

func TestPruneLocalFolder(t *testing.T) {
	ctx := context.Background()
	base := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	good := func(day int) string { return BackupName("nightly", base.AddDate(0, 0, day)) }
	damaged := BackupName("nightly", base.AddDate(0, 0, -1).Add(time.Hour))
	otherJob := BackupName("weekly", base)
	foreign := "cake_wallet_backup_2026-11-01_030000" // made by hand, no job
	notes := "notes.txt"

	setup := func(t *testing.T) (destinations.Destination, string) {
		d, dir := newFolder(t)
		for day := -3; day <= 2; day++ {
			if err := os.WriteFile(filepath.Join(dir, good(day)), encodeTestBackup([]byte{byte(day)}), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		bad := encodeTestBackup([]byte("payload"))
		bad[len(bad)-1] ^= 1
		for name, data := range map[string][]byte{
			damaged: bad, otherJob: encodeTestBackup(nil), foreign: encodeTestBackup(nil), notes: []byte("hi"),
		} {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return d, dir
	}
	untouched := []string{damaged, otherJob, foreign, notes}

	tests := []struct {
		name       string
		keep       Retention
		dryRun     bool
		newest     string
		wantKeep   []string
		wantRemove []string
		wantErr    string
	}{
		{"keep-last 2", Retention{KeepLast: 2}, false, good(2),
			[]string{good(2), good(1)}, []string{good(0), good(-1), good(-2), good(-3)}, ""},
		{"dry run deletes nothing", Retention{KeepLast: 2}, true, good(2),
			[]string{good(2), good(1)}, []string{good(0), good(-1), good(-2), good(-3)}, ""},
		{"keep-daily 3 plus keep-last 1", Retention{KeepLast: 1, KeepDaily: 3}, false, good(2),
			[]string{good(2), good(1), good(0)}, []string{good(-1), good(-2), good(-3)}, ""},
		{"no rules keeps all", Retention{}, false, good(2),
			[]string{good(2), good(1), good(0), damaged, good(-1), good(-2), good(-3)}, nil, ""}, // nothing verified, nothing deleted
		{"new backup missing: nothing deleted", Retention{KeepLast: 1}, false, BackupName("nightly", base.AddDate(0, 0, 5)),
			nil, nil, "not listed"},
		{"new backup damaged: nothing deleted", Retention{KeepLast: 1}, false, damaged,
			nil, nil, "does not verify"},
		{"standalone prune (no new backup)", Retention{KeepLast: 1}, false, "",
			[]string{good(2)}, []string{good(1), good(0), good(-1), good(-2), good(-3)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, dir := setup(t)
			before := dirNames(t, dir)
			p := Pruner{Store: d, Verify: verifyTestBackup, Location: time.UTC, DryRun: tt.dryRun}
			job := Job{Name: "nightly", Retention: tt.keep}
			plan, err := p.Prune(ctx, job, destinations.Entry{Name: tt.newest})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				if after := dirNames(t, dir); !slices.Equal(before, after) {
					t.Fatalf("failed prune changed the folder: %v -> %v", before, after)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := names(plan.Keep); !slices.Equal(got, tt.wantKeep) {
				t.Errorf("keep = %v\nwant   %v", got, tt.wantKeep)
			}
			if got := names(plan.Remove); !slices.Equal(got, tt.wantRemove) {
				t.Errorf("remove = %v\nwant     %v", got, tt.wantRemove)
			}
			if !tt.keep.Empty() && (len(plan.Rejected) != 1 || plan.Rejected[0].Name != damaged) {
				t.Errorf("rejected = %v, want just the damaged %s", plan.Rejected, damaged)
			}
			after := dirNames(t, dir)
			for _, n := range slices.Concat(untouched, tt.wantKeep) {
				if !slices.Contains(after, n) {
					t.Errorf("%s was deleted", n)
				}
			}
			for _, n := range tt.wantRemove {
				if gone := !slices.Contains(after, n); gone == tt.dryRun {
					t.Errorf("%s present=%v after prune (dry run %v)", n, !gone, tt.dryRun)
				}
			}
		})
	}
}
