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

func TestParseBackupNameExact(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		job, name string
		ok        bool
	}{
		{"a", "cake_wallet_backup_a_2026-01-01_000000", true},
		{"a", "cake_wallet_backup_a_2026-01-01_000000-2", true},
		{"a", "cake_wallet_backup_a_2026-01-01_000000 (12)", true},
		{"a", "cake_wallet_backup_a_2026-01-01_000000-x_2026-01-01_000000", false},
		{"a", "cake_wallet_backup_a_2026-01-01_000000-2_2026-01-01_000000", false},
		{"a", "cake_wallet_backup_a_2026-01-01_000000-", false},
		{"a", "cake_wallet_backup_a_2026-01-01_000000 ()", false},
		{"a", "cake_wallet_backup_a_2026-01-01_000000 (1", false},
		{"a", "cake_wallet_backup_a_2026-01-01_000000.tmp", false},
		{"a", "cake_wallet_backup_a_2026-01-01_000000-1234567", false},
		{"a_2026-01-01_000000-x", "cake_wallet_backup_a_2026-01-01_000000-x_2026-01-01_000000", true},
		{"a_2026-01-01_000000-x", "cake_wallet_backup_a_2026-01-01_000000", false},
		{"a_2026-01-01_000000-x", "cake_wallet_backup_a_2026-01-01_000000-2", false},
	}
	for _, tt := range tests {
		got, ok := ParseBackupName(tt.job, tt.name, time.UTC)
		if ok != tt.ok {
			t.Errorf("ParseBackupName(%q, %q) ok = %v, want %v", tt.job, tt.name, ok, tt.ok)
		}
		if ok && !got.Equal(at) {
			t.Errorf("ParseBackupName(%q, %q) = %v, want %v", tt.job, tt.name, got, at)
		}
	}
}

// TestPruneJobsSharingAPrefix prunes job "a" and job
// "a_2026-01-01_000000-x" in one folder: neither touches the other's
// backups, even with keep-last 1 and a lone backup on the other side.
func TestPruneJobsSharingAPrefix(t *testing.T) {
	ctx := context.Background()
	base := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	jobA := Job{Name: "a", Retention: Retention{KeepLast: 1}}
	jobX := Job{Name: "a_2026-01-01_000000-x", Retention: Retention{KeepLast: 1}}
	d, dir := newFolder(t)
	var aNames []string
	for day := range 3 {
		aNames = append(aNames, BackupName(jobA.Name, base.AddDate(0, 0, day)))
	}
	xName := BackupName(jobX.Name, base.AddDate(0, 0, -5))
	for _, n := range append(slices.Clone(aNames), xName) {
		if err := os.WriteFile(filepath.Join(dir, n), encodeTestBackup([]byte(n)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p := Pruner{Store: d, Verify: verifyTestBackup, Location: time.UTC}

	plan, err := p.Prune(ctx, jobA, destinations.Entry{Name: aNames[2]})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(plan.Remove); !slices.Equal(got, []string{aNames[1], aNames[0]}) {
		t.Errorf("job a removed %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, xName)); err != nil {
		t.Fatalf("job a's pruning touched the other job's only backup: %v", err)
	}

	plan, err = p.Prune(ctx, jobX, destinations.Entry{Name: xName})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(plan.Keep); !slices.Equal(got, []string{xName}) || len(plan.Remove) != 0 {
		t.Errorf("job %s kept %v, removed %v", jobX.Name, got, names(plan.Remove))
	}
	if _, err := os.Stat(filepath.Join(dir, aNames[2])); err != nil {
		t.Fatalf("the other job's pruning removed job a's newest backup: %v", err)
	}
}

// TestAdHocJobName: one source folder, however its path is spelled, is
// one valid job name; two folders are two.
func TestAdHocJobName(t *testing.T) {
	a := AdHocJobName("/home/ana/wallets")
	tests := []struct {
		source string
		same   bool
	}{
		{"/home/ana/wallets/", true},
		{"/home/ana/./wallets", true},
		{"/home/bob/wallets", false},
		{"/home/ana/wallets2", false},
	}
	if err := ValidateJobName(a); err != nil || !strings.HasPrefix(a, "adhoc-") {
		t.Fatalf("AdHocJobName = %q: %v", a, err)
	}
	for _, tt := range tests {
		if got := AdHocJobName(tt.source); (got == a) != tt.same {
			t.Errorf("AdHocJobName(%q) = %q, beside %q; same = %v, want %v", tt.source, got, a, got == a, tt.same)
		}
	}
}
