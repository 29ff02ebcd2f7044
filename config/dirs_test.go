package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/config"
)

func TestDirs(t *testing.T) {
	tests := []struct {
		name            string
		goos            string
		vars            map[string]string
		config, state   string
		configErr, sErr bool
	}{
		{"linux XDG", "linux", map[string]string{"XDG_CONFIG_HOME": "/x/cfg", "XDG_STATE_HOME": "/x/st", "HOME": "/home/a"},
			"/x/cfg/cakebackup", "/x/st/cakebackup", false, false},
		{"linux HOME", "linux", map[string]string{"HOME": "/home/a"},
			"/home/a/.config/cakebackup", "/home/a/.local/state/cakebackup", false, false},
		{"linux relative XDG ignored", "linux", map[string]string{"XDG_CONFIG_HOME": "cfg", "HOME": "/home/a"},
			"/home/a/.config/cakebackup", "/home/a/.local/state/cakebackup", false, false},
		{"linux config dir alone (env -i)", "linux", map[string]string{"XDG_CONFIG_HOME": "/x/cfg"},
			"/x/cfg/cakebackup", "", false, true},
		{"linux nothing", "linux", map[string]string{}, "", "", true, true},
		{"freebsd", "freebsd", map[string]string{"HOME": "/home/a"},
			"/home/a/.config/cakebackup", "/home/a/.local/state/cakebackup", false, false},
		{"macOS", "darwin", map[string]string{"HOME": "/Users/a"},
			"/Users/a/Library/Application Support/cakebackup", "/Users/a/Library/Application Support/cakebackup/state", false, false},
		{"macOS XDG", "darwin", map[string]string{"HOME": "/Users/a", "XDG_CONFIG_HOME": "/x/cfg", "XDG_STATE_HOME": "/x/st"},
			"/x/cfg/cakebackup", "/x/st/cakebackup", false, false},
		{"windows (no HOME)", "windows", map[string]string{"APPDATA": `C:\Users\a\AppData\Roaming`, "LOCALAPPDATA": `C:\Users\a\AppData\Local`},
			filepath.Join(`C:\Users\a\AppData\Roaming`, "cakebackup"), filepath.Join(`C:\Users\a\AppData\Local`, "cakebackup"), false, false},
		{"windows HOME is not enough", "windows", map[string]string{"HOME": "/home/a"}, "", "", true, true},
		{"windows UNC", "windows", map[string]string{"APPDATA": `\\srv\profiles\a`, "LOCALAPPDATA": `\\srv\local\a`},
			filepath.Join(`\\srv\profiles\a`, "cakebackup"), filepath.Join(`\\srv\local\a`, "cakebackup"), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := config.Env{GOOS: tt.goos, Getenv: func(k string) string { return tt.vars[k] }}
			cfg, err := e.Dir()
			if cfg != tt.config || (err != nil) != tt.configErr {
				t.Errorf("Dir = %q, %v; want %q (error %v)", cfg, err, tt.config, tt.configErr)
			}
			if err != nil && !errors.Is(err, config.ErrNoHome) {
				t.Errorf("Dir error %v does not wrap ErrNoHome", err)
			}
			st, err := e.StateDir()
			if st != tt.state || (err != nil) != tt.sErr {
				t.Errorf("StateDir = %q, %v; want %q (error %v)", st, err, tt.state, tt.sErr)
			}
		})
	}
}

func TestPrivateDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "cakebackup")
	if err := config.PrivateDir(dir); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	if err := config.PrivateDir(dir); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Fatalf("mode %v, want 0700", fi.Mode().Perm())
	}
}

func TestPrivateFile(t *testing.T) {
	base := t.TempDir()
	env := config.Env{GOOS: "linux", Getenv: func(k string) string {
		return map[string]string{"XDG_CONFIG_HOME": base}[k]
	}}
	if err := os.MkdirAll(filepath.Join(base, "cakebackup"), 0o755); err != nil {
		t.Fatal(err)
	}
	path, err := env.PrivateFile()
	if err != nil || path != filepath.Join(base, "cakebackup", "config.toml") {
		t.Fatalf("PrivateFile = %q, %v", path, err)
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("config folder %v, %v; want mode 0700", fi.Mode(), err)
	}
	blocked := config.Env{GOOS: "linux", Getenv: func(k string) string {
		return map[string]string{"XDG_CONFIG_HOME": filepath.Join(path, "file-in-the-way")}[k]
	}}
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var dirErr *config.DirError
	if _, err := blocked.PrivateFile(); !errors.As(err, &dirErr) {
		t.Fatalf("PrivateFile under a file = %v, want a *config.DirError", err)
	}
}
