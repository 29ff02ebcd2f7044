package job_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
)

// TestCreate: Create hands a made backup to show; the file of the
// password of a backup saved nowhere is removed; a backup whose password
// show could not show, and that no file holds, is removed from every
// destination, even once the run's context has ended; with the file, the
// backup stays and the write's error is returned.
func TestCreate(t *testing.T) {
	src := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("spend key")})
	broken := errors.New("broken pipe")
	other := errors.New("disk full")
	for _, tc := range []struct {
		name     string
		saved    bool  // a destination can store it
		pwFile   bool  // the password is in a file
		showErr  error // what show returns
		want     error // errors.Is the returned error, when saved
		lost     bool  // the returned error is a *PasswordLostError
		kept     bool  // the backup is still stored afterwards
		fileKept bool  // the password's file is still there afterwards
	}{
		{name: "shown", saved: true, kept: true},
		{name: "shown, password in a file", saved: true, pwFile: true, kept: true, fileKept: true},
		{name: "saved nowhere", pwFile: true},
		{name: "password lost", saved: true, showErr: &job.PasswordLostError{Err: broken}, want: broken, lost: true},
		{name: "password lost, in a file", saved: true, pwFile: true, showErr: &job.PasswordLostError{Err: broken}, want: broken, kept: true, fileKept: true},
		{name: "result not printed", saved: true, showErr: other, want: other, kept: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			dest := out
			if !tc.saved {
				dest = filepath.Join(out, "missing")
			}
			pwFile := ""
			if tc.pwFile {
				pwFile = filepath.Join(t.TempDir(), "pw")
				if err := os.WriteFile(pwFile, []byte(savePassword+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			shown := 0
			err := job.Create(ctx, opener(), job.Backup{Source: src, Dests: []string{"folder:" + dest}, Name: "b", Password: savePassword},
				pwFile, func(made *job.Made) error {
					shown++
					cancel() // an interrupt while the result is written
					return tc.showErr
				})
			var lost *job.PasswordLostError
			if !tc.saved && !errors.As(err, new(*destinations.FolderMissingError)) {
				t.Fatalf("Create: %v; want Make's error, the folder missing", err)
			}
			if tc.saved && (!errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) || errors.As(err, &lost) != tc.lost) {
				t.Fatalf("Create: %v; want %v (lost %v)", err, tc.want, tc.lost)
			}
			if lost != nil && (len(lost.Discarded) != 1 || lost.Discarded[0].Location != filepath.Join(out, "b") || lost.Discarded[0].Err != nil) {
				t.Errorf("Discarded = %v; want %s removed", lost.Discarded, filepath.Join(out, "b"))
			}
			if want := map[bool]int{true: 1, false: 0}[tc.saved]; shown != want {
				t.Errorf("show called %d times; want %d", shown, want)
			}
			if _, err := os.Stat(filepath.Join(out, "b")); (err == nil) != tc.kept {
				t.Errorf("the backup: %v; want kept %v", err, tc.kept)
			}
			if _, err := os.Stat(pwFile); tc.pwFile && (err == nil) != tc.fileKept {
				t.Errorf("the password's file: %v; want kept %v", err, tc.fileKept)
			}
		})
	}
}
