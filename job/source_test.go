package job_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/job"
)

func TestCheckSource(t *testing.T) {
	empty := t.TempDir()
	var notData *backup.DataFolderError
	if err := job.CheckSource(empty, false); !errors.As(err, &notData) {
		t.Errorf("a folder without wallets: %v, want a DataFolderError", err)
	}
	if err := job.CheckSource(empty, true); err != nil {
		t.Errorf("a folder without wallets, allowed: %v", err)
	}
	if err := job.CheckSource(filepath.Join(empty, "missing"), true); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing folder, allowed empty: %v, want not found", err)
	}
	file := filepath.Join(empty, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ dir, want string }{
		{filepath.Join(empty, "missing"), filepath.Join(empty, "missing") + ": no such file or folder"},
		{filepath.Join(file, "under"), filepath.Join(file, "under") + ": no such file or folder"},
		{file, file + " is not a folder"},
	} {
		var notThere *job.SourceError
		if err := job.CheckSource(tc.dir, true); !errors.As(err, &notThere) || err.Error() != tc.want {
			t.Errorf("CheckSource(%s) = %v, want a *SourceError %q", tc.dir, err, tc.want)
		}
	}
}

func TestCheckSettings(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tt := range []struct {
		path    string
		wantBad bool
		wantErr error
	}{
		{"", false, nil},
		{filepath.Join("..", "examples", "settings.json"), false, nil},
		{write("toml", "current_theme = 1\n"), true, nil},
		{write("array", "[1, 2]"), true, nil},
		{write("null", "null"), true, nil},
		{filepath.Join(dir, "missing"), false, fs.ErrNotExist},
	} {
		err := job.CheckSettings(tt.path)
		var bad *job.SettingsError
		if errors.As(err, &bad) != tt.wantBad || (!tt.wantBad && !errors.Is(err, tt.wantErr)) {
			t.Errorf("CheckSettings(%q) = %v", tt.path, err)
		}
	}
}
