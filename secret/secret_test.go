package secret_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/secret"
)

func TestFirstLine(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  error
	}{
		{"pw\n", "pw", nil},
		{"pw", "pw", nil},
		{"pw\r\nsecond line", "pw", nil},
		{"  spaces kept  \n", "  spaces kept  ", nil},
		{"\nsecond", "", secret.ErrEmpty},
		{"", "", secret.ErrEmpty},
		{strings.Repeat("a", secret.MaxSize), strings.Repeat("a", secret.MaxSize), nil},
		{strings.Repeat("a", secret.MaxSize) + "\n", strings.Repeat("a", secret.MaxSize), nil},
		{strings.Repeat("a", secret.MaxSize+1), "", secret.ErrTooLong},
		{strings.Repeat("\x00", 1<<20), "", secret.ErrTooLong},
	}
	for _, tt := range tests {
		got, err := secret.FirstLine(strings.NewReader(tt.in))
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("FirstLine(%.20q) = %.20q, %v; want %.20q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("the password\n"), 0o600)
		os.Chmod(p, mode)
		return p
	}
	for _, mode := range []os.FileMode{0o600, 0o400} {
		if pw, err := secret.ReadFile(write("ok", mode)); err != nil || pw != "the password" {
			t.Errorf("mode %04o: %q, %v", mode, pw, err)
		}
		os.Remove(filepath.Join(dir, "ok"))
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o606} {
		var me *secret.ModeError
		if _, err := secret.ReadFile(write("open", mode)); !errors.As(err, &me) || strings.Contains(err.Error(), "the password") {
			t.Errorf("mode %04o: %v, want a ModeError", mode, err)
		}
		os.Remove(filepath.Join(dir, "open"))
	}
	// A device that never ends a line is read no further than MaxSize.
	if _, err := secret.ReadFile("/dev/zero"); !errors.Is(err, secret.ErrTooLong) {
		t.Errorf("/dev/zero: %v, want ErrTooLong", err)
	}
}

// TestReadFileMissing: a password file that cannot be opened is "PATH:
// why", without the system call's "open ", and still a missing file to
// errors.Is.
func TestReadFileMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	_, err := secret.ReadFile(missing)
	if want := missing + ": "; err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile(missing) = %v, want it to start %q and wrap fs.ErrNotExist", err, want)
	}
}

func TestScrubEnv(t *testing.T) {
	env := []string{"HOME=/home/a", "CAKEBACKUP_PASSWORD=hunter2", "CAKEBACKUP_PROTON_PASSWORD=x", "CAKEBACKUP_PROTON_URL=http://x", "PATH=/bin"}
	got := secret.ScrubEnv(env)
	if want := []string{"HOME=/home/a", "CAKEBACKUP_PROTON_URL=http://x", "PATH=/bin"}; !slices.Equal(got, want) {
		t.Fatalf("ScrubEnv = %v, want %v", got, want)
	}
}
