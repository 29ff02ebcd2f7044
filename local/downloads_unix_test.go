//go:build !windows && !darwin

package local

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDownloadsDir(t *testing.T) {
	tests := []struct {
		name      string
		userDirs  string // contents of user-dirs.dirs; "" means no file
		xdgConfig bool   // put user-dirs.dirs under XDG_CONFIG_HOME instead of ~/.config
		want      string // with HOME standing for the home folder
	}{
		{"no user-dirs file", "", false, "HOME/Downloads"},
		{"home relative", "# comment\nXDG_DESKTOP_DIR=\"$HOME/Desktop\"\nXDG_DOWNLOAD_DIR=\"$HOME/Téléchargements\"\n", false, "HOME/Téléchargements"},
		{"absolute", "XDG_DOWNLOAD_DIR=\"/srv/dl\"\n", false, "/srv/dl"},
		{"escaped quote and space", `XDG_DOWNLOAD_DIR="$HOME/My \"Files\" x"` + "\n", false, `HOME/My "Files" x`},
		{"xdg config home", "XDG_DOWNLOAD_DIR=\"$HOME/dl\"\n", true, "HOME/dl"},
		{"disabled is home itself", "XDG_DOWNLOAD_DIR=\"$HOME/\"\n", false, "HOME/Downloads"},
		{"relative ignored", "XDG_DOWNLOAD_DIR=\"dl\"\n", false, "HOME/Downloads"},
		{"unquoted ignored", "XDG_DOWNLOAD_DIR=$HOME/dl\n", false, "HOME/Downloads"},
		{"last wins", "XDG_DOWNLOAD_DIR=\"$HOME/a\"\nXDG_DOWNLOAD_DIR=\"$HOME/b\"\n", false, "HOME/b"},
		{"$HOMEX is not $HOME", "XDG_DOWNLOAD_DIR=\"/x/$HOMEX\"\n", false, "/x/$HOMEX"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			env := map[string]string{"HOME": home}
			confDir := filepath.Join(home, ".config")
			if tt.xdgConfig {
				confDir = t.TempDir()
				env["XDG_CONFIG_HOME"] = confDir
				// A decoy in the default place must be ignored.
				writeFile(t, filepath.Join(home, ".config", "user-dirs.dirs"), "XDG_DOWNLOAD_DIR=\"$HOME/decoy\"\n")
			}
			if tt.userDirs != "" {
				writeFile(t, filepath.Join(confDir, "user-dirs.dirs"), tt.userDirs)
			}
			got, err := DownloadsDir(envOf(env))
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if len(want) >= 4 && want[:4] == "HOME" {
				want = home + want[4:]
			}
			if got != want {
				t.Fatalf("DownloadsDir = %q, want %q", got, want)
			}
		})
	}
}

func TestDownloadsDirNeedsHome(t *testing.T) {
	if _, err := DownloadsDir(envOf(nil)); err == nil {
		t.Fatal("DownloadsDir without HOME succeeded")
	}
}

// TestDownloadsCreatedByTheFirstBackup: a missing Downloads folder is not
// made by opening or listing it (ls creates nothing), only by the first
// backup stored there, with mode 0700.
func TestDownloadsCreatedByTheFirstBackup(t *testing.T) {
	ctx := t.Context()
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".config", "user-dirs.dirs"), "XDG_DOWNLOAD_DIR=\"$HOME/a/dl\"\n")
	dir := filepath.Join(home, "a", "dl")
	f, err := NewDownloads(envOf(map[string]string{"HOME": home}))
	if err != nil {
		t.Fatal(err)
	}
	if f.Dir() != dir {
		t.Fatalf("Downloads %s, want %s", f.Dir(), dir)
	}
	if list, err := f.List(ctx); err != nil || len(list) != 0 {
		t.Fatalf("List of a missing Downloads = %v, %v; want nothing", list, err)
	}
	if _, err := os.Stat(filepath.Join(home, "a")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("opening and listing Downloads made %s/a (%v)", home, err)
	}
	p, err := f.Create(ctx, "cake_wallet_backup_x", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Commit(ctx, nil); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o700 {
		t.Fatalf("Downloads made with mode %v, want 0700", info.Mode().Perm())
	}
	if list, err := f.List(ctx); err != nil || len(list) != 1 {
		t.Fatalf("List after a backup = %v, %v; want it", list, err)
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestDocumentsDir(t *testing.T) {
	tests := []struct {
		name     string
		userDirs string // contents of ~/.config/user-dirs.dirs; "" means no file
		want     string // with HOME standing for the home folder
	}{
		{"no user-dirs file", "", "HOME/Documents"},
		{"its own key", "XDG_DOWNLOAD_DIR=\"$HOME/dl\"\nXDG_DOCUMENTS_DIR=\"$HOME/Dokumente\"\n", "HOME/Dokumente"},
		{"not the downloads key", "XDG_DOWNLOAD_DIR=\"$HOME/dl\"\n", "HOME/Documents"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			if tt.userDirs != "" {
				writeFile(t, filepath.Join(home, ".config", "user-dirs.dirs"), tt.userDirs)
			}
			got, err := DocumentsDir(envOf(map[string]string{"HOME": home}))
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.Replace(tt.want, "HOME", home, 1); got != want {
				t.Errorf("DocumentsDir = %q, want %q", got, want)
			}
		})
	}
}
