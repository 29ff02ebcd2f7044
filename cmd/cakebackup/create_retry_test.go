package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
)

// TestCreateRetriesAChangedSource: a wallet file appended to as its first
// bytes are read, as a wallet app saving it would, makes create say so on
// stderr, one line per retry, and try again; a later attempt that reads
// it whole stores the one backup. When every attempt sees a change,
// create fails as it did before it retried: the change's one error line
// and exit code, and nothing left at the destination.
func TestCreateRetriesAChangedSource(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes int // attempts that see the file change
		code    int
		retries []string // "attempt N of M" of each retry line
	}{
		{"changed once", 1, exitOK, []string{"attempt 2 of 3"}},
		{"changed twice", 2, exitOK, []string{"attempt 2 of 3", "attempt 3 of 3"}},
		{"changed every time", 3, exitFailure, []string{"attempt 2 of 3", "attempt 3 of 3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := wallettest.Folder(t, map[string][]byte{
				"wallets/monero/a/a":      wallettest.RandomBytes(t, 64<<10),
				"wallets/monero/a/a.keys": []byte("keys"),
			})
			path := filepath.Join(src, "wallets", "monero", "a", "a")
			dest := t.TempDir()
			c := newCLI(t)
			c.tweakBackup = func(b *job.Backup) {
				b.RetryWaits = []time.Duration{time.Millisecond, time.Millisecond}
				b.OnCollected, b.OnProgress = saveDuring(t, path, tc.changes, b.OnCollected, b.OnProgress)
			}
			code := c.run("create", "--source", src, "--dest", "folder:"+dest,
				"--password-file", writePasswordFile(t, "a long and unguessable test password"), "--json")
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, c.stderr.String())
			}
			lines := strings.Split(strings.TrimSuffix(c.stderr.String(), "\n"), "\n")
			var want []string
			for _, r := range tc.retries {
				want = append(want, path+" changed while it was being read; trying again in 1 ms ("+r+")")
			}
			if tc.code != exitOK {
				want = append(want, "cakebackup: "+(&backup.ChangedError{Path: path}).Error())
			}
			if strings.Join(lines, "\n") != strings.Join(want, "\n") {
				t.Errorf("stderr:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
			}
			entries, err := os.ReadDir(dest)
			if err != nil {
				t.Fatal(err)
			}
			if tc.code != exitOK {
				for _, e := range entries {
					t.Errorf("left behind: %s", e.Name())
				}
				return
			}
			var res job.CreatedResult
			if err := json.Unmarshal(c.stdout.Bytes(), &res); err != nil {
				t.Fatalf("create --json printed %q: %v", c.stdout.String(), err)
			}
			if len(entries) != 1 || !res.Verified || res.Location != filepath.Join(dest, entries[0].Name()) {
				t.Fatalf("%s holds %v; result %+v; want the one verified backup", dest, entries, res)
			}
		})
	}
}

// saveDuring wraps a backup's OnCollected and OnProgress so that, in each
// of the first n attempts, the file at path is appended to as the first
// bytes of the attempt go into the backup.
func saveDuring(t *testing.T, path string, n int, onCollected func(*backup.Source), onProgress func(int64)) (func(*backup.Source), func(int64)) {
	attempts, changed := 0, false
	return func(src *backup.Source) {
			attempts, changed = attempts+1, false
			onCollected(src)
		}, func(k int64) {
			if !changed && attempts <= n {
				changed = true
				f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if _, err := f.Write([]byte("saved meanwhile")); err != nil {
					t.Fatal(err)
				}
			}
			onProgress(k)
		}
}

// TestCreateRetriesToProton: to Proton Drive (the real bridge and the
// fake server), an attempt that saw a wallet file change leaves no file
// behind, draft or uploaded: after three such attempts the drive holds
// no backup; after one, and a good second attempt, the one backup.
func TestCreateRetriesToProton(t *testing.T) {
	t.Parallel()
	c, srv := loggedInProtonCLI(t)
	src := wallettest.Folder(t, map[string][]byte{
		"wallets/monero/a/a":      wallettest.RandomBytes(t, 64<<10),
		"wallets/monero/a/a.keys": []byte("keys"),
	})
	path := filepath.Join(src, "wallets", "monero", "a", "a")
	pwFile := writePasswordFile(t, "backup password for the wallets")
	for _, tc := range []struct {
		changes, code, retries, files int
	}{
		{3, exitFailure, 2, 0},
		{1, exitOK, 1, 1},
	} {
		c.tweakBackup = func(b *job.Backup) {
			b.RetryWaits = []time.Duration{time.Millisecond, time.Millisecond}
			b.OnCollected, b.OnProgress = saveDuring(t, path, tc.changes, b.OnCollected, b.OnProgress)
		}
		code := c.run("create", "--source", src, "--dest", "proton:/Backups/Cake", "--password-file", pwFile, "--quiet")
		if code != tc.code || strings.Count(c.stderr.String(), " changed while it was being read; trying again") != tc.retries {
			t.Fatalf("changed in %d attempts: exit %d, stderr %q; want exit %d and %d retries", tc.changes, code, c.stderr.String(), tc.code, tc.retries)
		}
		stored, err := srv.Stored()
		if err != nil {
			t.Fatal(err)
		}
		var files, drafts int
		for _, l := range stored.Links {
			switch {
			case l.Type != protonapi.LinkTypeFile:
			case l.State == protonapi.LinkStateActive:
				files++
			case l.State == protonapi.LinkStateDraft:
				drafts++
			}
		}
		if files != tc.files || drafts != 0 {
			t.Fatalf("changed in %d attempts: the drive holds %d files and %d drafts, want %d and none", tc.changes, files, drafts, tc.files)
		}
	}
}
