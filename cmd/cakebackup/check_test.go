package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/bytesize"
)

// check reads every backup the first time, nothing unchanged the next,
// and a damaged file (rewritten behind our back) fails with exit 4 naming
// it; the verification file is private.
func TestCheckCommand(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	pw := writePasswordFile(t, "a long and unguessable test password")
	first := createBackup(t, c, pw)
	dir := filepath.Dir(first)
	second := filepath.Join(dir, "cake_wallet_backup_copy")
	data, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(second, data, 0o600); err != nil {
		t.Fatal(err)
	}
	report := func(args ...string) (int, map[string]any) {
		t.Helper()
		code := c.run(append([]string{"check", "--json"}, args...)...)
		var rep map[string]any
		if err := json.Unmarshal(c.stdout.Bytes(), &rep); err != nil {
			t.Fatalf("check --json printed %q (stderr %s): %v", c.stdout.String(), c.stderr.String(), err)
		}
		return code, rep
	}
	// create recorded nothing (it is not a scheduled job): both are read.
	if code, rep := report("folder:" + dir); code != 0 || rep["read"].(float64) != 2 {
		t.Fatalf("first check: exit %d, report %v; want 2 read", code, rep)
	}
	if code, rep := report("folder:" + dir); code != 0 || rep["read"].(float64) != 0 {
		t.Fatalf("second check: exit %d, report %v; want nothing read", code, rep)
	}
	if code, rep := report("folder:"+dir, "--read-data-subset", "100%"); code != 0 || rep["read"].(float64) != 2 {
		t.Fatalf("check of 100%%: exit %d, report %v; want 2 read", code, rep)
	}
	state := filepath.Join(c.vars["XDG_STATE_HOME"], "cakebackup", "verified.json")
	if fi, err := os.Stat(state); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("verification file: %v, %v; want mode 0600", fi, err)
	}

	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(second, data, 0o600); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(second, later, later); err != nil {
		t.Fatal(err)
	}
	if code := c.run("check", "folder:"+dir); code != exitDamaged {
		t.Fatalf("check of a damaged backup: exit %d, want %d; stdout %s stderr %s", code, exitDamaged, c.stdout.String(), c.stderr.String())
	}
	if msg := c.stderr.String(); !strings.Contains(msg, second) || strings.Count(strings.TrimSpace(msg), "\n") != 0 {
		t.Errorf("stderr %q: want one line naming %s", msg, second)
	}
	if !strings.Contains(c.stdout.String(), "failed     "+second) {
		t.Errorf("stdout %q does not list %s as failed", c.stdout.String(), second)
	}
	// With --json the report is the one object on stdout, failures in it.
	code, rep := report("folder:" + dir)
	if code != exitDamaged || !strings.Contains(c.stdout.String(), `"status": "failed"`) || rep["error"] != nil {
		t.Errorf("check --json of a damaged backup: exit %d, stdout %s", code, c.stdout.String())
	}
	if code := c.run("check", "folder:"+dir, "--read-data-subset", "0/7"); code != exitUsage {
		t.Errorf("--read-data-subset 0/7: exit %d, want %d", code, exitUsage)
	}
}

// TestCheckSummaryInWords: check's last line counts in words and gives the
// size read as every message does ("1 backup, 1 read in full (4.8 KiB)").
func TestCheckSummaryInWords(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file, _ := sampleBackup(t)
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, want string
	}{
		{"first check reads it", fmt.Sprintf("1 backup, 1 read in full (%s)\n", bytesize.Format(fi.Size()))},
		{"second check reads nothing", "1 backup, 0 read in full\n"},
	} {
		if out := c.mustRun("check", "folder:"+filepath.Dir(file)); !strings.HasSuffix(out, tc.want) {
			t.Errorf("%s: check printed %q, want it to end %q", tc.name, out, tc.want)
		}
	}
}

// TestCheckAndLsReportWhatTheyCannotRead: a file check and ls cannot read
// to tell whether it is a backup (here a renamed backup whose name, with
// a backslash, a folder destination does not open) is no "other file":
// check lists it as unreadable and exits 1 naming it, ls warns about it
// on one line of stderr. Both quote a name with a newline, so one backup
// stays one line. check passed, counting the backup as not one.
func TestCheckAndLsReportWhatTheyCannotRead(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	data := sampleBackupData(t)
	dir := t.TempDir()
	cannot := filepath.Join(dir, `renamed\copy`)
	multi := filepath.Join(dir, "two\nlines")
	for _, p := range []string{cannot, multi} {
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("my notes\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	code := c.run("check", "folder:"+dir)
	if code != exitFailure {
		t.Fatalf("check: exit %d, want %d; stdout %q stderr %q", code, exitFailure, c.stdout.String(), c.stderr.String())
	}
	out := c.stdout.String()
	wantLines := []string{
		"unreadable " + cannot + " (",
		"verified   " + strconv.Quote(multi),
		"2 backups, 1 read in full (" + bytesize.Format(int64(len(data))) + "), 1 unreadable; 1 other file ignored (not backups)\n",
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(wantLines) {
		t.Fatalf("check printed %d lines, want %d: %q", len(lines), len(wantLines), out)
	}
	for _, want := range wantLines {
		if !strings.Contains(out, want) {
			t.Errorf("check printed %q, want a line with %q", out, want)
		}
	}
	if msg := strings.TrimSuffix(c.stderr.String(), "\n"); strings.Contains(msg, "\n") || !strings.Contains(msg, cannot) {
		t.Errorf("stderr %q: want one line naming %s", msg, cannot)
	}

	out = c.mustRun("ls", "folder:"+dir)
	if strings.Contains(out, "renamed") || !strings.Contains(out, strconv.Quote("two\nlines")) || !strings.Contains(out, "1 other file ignored") {
		t.Errorf("ls printed %q, want only %q listed and 1 other file ignored", out, "two\nlines")
	}
	if got := strings.Count(out, "\n"); got != 3 {
		t.Errorf("ls printed %d lines, want a header, one backup and the count: %q", got, out)
	}
	warn := c.stderr.String()
	if !strings.HasPrefix(warn, "warning: could not tell whether "+cannot+" is a backup: ") || strings.Count(warn, "\n") != 1 {
		t.Errorf("ls stderr %q, want one warning line naming %s", warn, cannot)
	}
	var listed lsJSON
	if err := json.Unmarshal([]byte(c.mustRun("ls", "--json", "folder:"+dir)), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed.Backups) != 1 || listed.Backups[0].Name != "two\nlines" || len(listed.Unreadable) != 1 || listed.Unreadable[0].Name != `renamed\copy` || listed.Ignored != 1 {
		t.Errorf("ls --json = %+v, want the backup, the unreadable file and 1 ignored", listed)
	}
}

// TestCheckSaysCutShort: a copy of a backup that did not finish (cut
// short) fails the check (exit 4) saying it was cut short, not that it is
// no backup or damaged.
func TestCheckSaysCutShort(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	data := sampleBackupData(t)
	dir := t.TempDir()
	cut := filepath.Join(dir, "cake_wallet_backup_2026-12-01_0930")
	if err := os.WriteFile(cut, data[:len(data)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	if code := c.run("check", "folder:"+dir); code != exitDamaged {
		t.Fatalf("check: exit %d, want %d; stderr %q", code, exitDamaged, c.stderr.String())
	}
	want := fmt.Sprintf("failed     %s (the file ends before its container does, after %d bytes: the backup was cut short (a copy or download that did not finish))\n", cut, len(data)/2)
	if out := c.stdout.String(); !strings.HasPrefix(out, want) || !strings.HasSuffix(out, "\n1 backup, 1 read in full ("+bytesize.Format(int64(len(data)/2))+"), 1 failed\n") {
		t.Errorf("check printed %q, want it to start %q and count 1 failed", out, want)
	}
}
