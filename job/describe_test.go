package job

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
)

func TestCheckFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "backup")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file string
		want       error // nil: accepted
		wantMsg    string
	}{
		{"a file", file, nil, ""},
		{"missing", filepath.Join(dir, "gone"), destinations.ErrNoSuchFile, filepath.Join(dir, "gone") + ": no such backup file"},
		{"under a file", filepath.Join(file, "x"), destinations.ErrNoSuchFile, filepath.Join(file, "x") + ": no such backup file"},
		{"a folder", dir, ErrFolderNotFile, dir + ": a folder, not a backup file"},
	}
	if runtime.GOOS != "windows" {
		tests = append(tests, struct {
			name, file string
			want       error
			wantMsg    string
		}{"a device", os.DevNull, ErrNotRegular, os.DevNull + ": not a regular file"})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckFile(tc.file)
			var fe *FileError
			switch {
			case tc.want == nil && err != nil:
				t.Fatalf("CheckFile = %v, want nil", err)
			case tc.want == nil:
			case !errors.Is(err, tc.want) || !errors.As(err, &fe) || err.Error() != tc.wantMsg:
				t.Fatalf("CheckFile = %v, want a *FileError %q", err, tc.wantMsg)
			}
		})
	}
}

func TestStoredFailedLine(t *testing.T) {
	plain := func(err error) string { return err.Error() }
	tests := []struct {
		name string
		st   Stored
		want string
	}{
		{"names the destination once", Stored{Dest: "usb", Spec: "usb:WALLETS", Err: atDest("sending to", "usb:WALLETS", errors.New("no space left"))},
			"NOT sent to usb: no space left"},
		{"why names it already", Stored{Dest: "folder:/srv/x", Err: fmt.Errorf("folder /srv/x does not exist")},
			"NOT sent: folder /srv/x does not exist"},
		{"as given", Stored{Dest: "/media/usb", Err: atDest("sending to", "/media/usb", errors.New("read-only"))},
			"NOT sent to /media/usb: read-only"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.st.FailedLine("NOT sent", plain); got != tc.want {
				t.Errorf("FailedLine = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFileReason(t *testing.T) {
	plain := func(err error) string { return err.Error() }
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"its FileError", &FileError{File: "a", Err: errors.New("damaged")}, "damaged"},
		{"another file's", &FileError{File: "b", Err: errors.New("damaged")}, "b: damaged"},
		{"wrapped further", fmt.Errorf("sending: %w", &FileError{File: "a", Err: errors.New("damaged")}), "sending: a: damaged"},
		{"its ReadError", &destinations.ReadError{Loc: "a", Err: os.ErrPermission}, "no permission to read it"},
		{"other", errors.New("boom"), "boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := FileReason("a", tc.err, plain); got != tc.want {
				t.Errorf("FileReason = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestKind: the whole sentence for each kind of backup, with and
// without the inner archive's entries; the caller's restore words go
// where the app's import is not the way.
func TestKind(t *testing.T) {
	const restore = "restore it with RESTORE"
	snapshot := backup.Info{AppName: "Cake Wallet", AppVersion: "cakebackup 0.1.0"}
	app := backup.Info{AppName: "Cake Wallet", AppVersion: "4.19.0"}
	unnamed := backup.Info{AppVersion: "4.19.0"}
	bare := backup.Info{Version: 2}
	dump := []backup.Entry{{Name: "wallets/w"}, {Name: backup.KeychainDumpEntry}}
	noDump := []backup.Entry{{Name: "wallets/w"}}
	tests := []struct {
		name    string
		info    backup.Info
		entries []backup.Entry
		want    string
	}{
		{"snapshot", snapshot, nil, "made by cakebackup from a data folder: restore it with RESTORE; the app cannot import it (no app-sealed keychain dump)"},
		{"snapshot holding a dump", snapshot, dump, "made by cakebackup from a data folder: restore it with RESTORE; the app cannot import it (no app-sealed keychain dump)"},
		{"export, no password", app, nil, "made by Cake Wallet 4.19.0 (from its metadata): an app export, which the app can import"},
		{"export with its dump", app, dump, "made by Cake Wallet 4.19.0: the app can import it"},
		{"export without a dump", app, noDump, "made by Cake Wallet 4.19.0, but it holds no keychain dump: the app's import will fail; restore it with RESTORE"},
		{"export naming no app", unnamed, nil, "made by the wallet app 4.19.0 (from its metadata): an app export, which the app can import"},
		{"bare, no password", bare, nil, "a bare v2 backup, which does not say who made it"},
		{"bare with a dump", bare, dump, "a bare v2 backup holding the app's keychain dump: the app can import it"},
		{"bare without a dump", bare, noDump, "a bare v2 backup, which does not say who made it"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Kind(tc.info, tc.entries, restore); got != tc.want {
				t.Errorf("Kind = %q, want %q", got, tc.want)
			}
		})
	}
}
