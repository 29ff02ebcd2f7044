package job

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

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
