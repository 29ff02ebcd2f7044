package main

import (
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/bytesize"
)

// TestProtonWhoamiShowsSpace: whoami says how much of the account's
// storage is used, as Proton reports it (the fake counts the encrypted
// blocks stored), and of how much when the account has a limit.
func TestProtonWhoamiShowsSpace(t *testing.T) {
	t.Parallel()
	c, srv := loggedInProtonCLI(t)
	whoami := func() string {
		t.Helper()
		out := c.mustRun("proton", "whoami")
		first, _, _ := strings.Cut(out, "\n")
		if !strings.HasPrefix(first, protonTestUser+" (") {
			t.Fatalf("whoami printed %q", out)
		}
		return first
	}
	if line := whoami(); !strings.Contains(line, "), 0 B used; session kept in ") {
		t.Errorf("whoami on an empty drive: %q, want 0 B used and no limit", line)
	}

	file, _ := sampleBackup(t)
	c.mustRun("send", file, "--dest", "proton:/Backups/Cake", "--quiet")
	stored, err := srv.Stored()
	if err != nil {
		t.Fatal(err)
	}
	var used int64
	for _, b := range stored.Blocks {
		used += int64(len(b.Data))
	}
	if used == 0 {
		t.Fatal("the backup stored no blocks")
	}
	want := "), " + bytesize.Format(used) + " used; session kept in "
	if line := whoami(); !strings.Contains(line, want) {
		t.Errorf("whoami after a backup: %q, want %q", line, want)
	}
	srv.SetQuota(1 << 30)
	want = "), " + bytesize.Format(used) + " used of 1.0 GiB; session kept in "
	if line := whoami(); !strings.Contains(line, want) {
		t.Errorf("whoami with a 1 GiB limit: %q, want %q", line, want)
	}
}
