//go:build !windows && !darwin

package local

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DownloadsDir returns the user's Downloads folder: XDG_DOWNLOAD_DIR from
// the XDG user-dirs file ($XDG_CONFIG_HOME/user-dirs.dirs, by default
// ~/.config/user-dirs.dirs), else ~/Downloads. The environment is read
// through getenv only.
func DownloadsDir(getenv func(string) string) (string, error) {
	return xdgUserDir(getenv, "XDG_DOWNLOAD_DIR", "Downloads")
}

// DocumentsDir returns the user's Documents folder: XDG_DOCUMENTS_DIR from
// the XDG user-dirs file, else ~/Documents. The environment is read
// through getenv only.
func DocumentsDir(getenv func(string) string) (string, error) {
	return xdgUserDir(getenv, "XDG_DOCUMENTS_DIR", "Documents")
}

// xdgUserDir returns the folder key names in the XDG user-dirs file, else
// ~/name.
func xdgUserDir(getenv func(string) string, key, name string) (string, error) {
	home := getenv("HOME")
	if !filepath.IsAbs(home) {
		return "", fmt.Errorf("cannot find the %s folder: HOME is not set; use folder:PATH", name)
	}
	configHome := getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(configHome) {
		configHome = filepath.Join(home, ".config")
	}
	file := filepath.Join(configHome, "user-dirs.dirs")
	dir, err := userDirFromFile(file, key, home)
	if err != nil {
		return "", err
	}
	if dir == "" {
		return filepath.Join(home, name), nil
	}
	return dir, nil
}

// userDirFromFile reads key from an XDG user-dirs file. It returns "" when
// the file or the key is missing, or when the folder is disabled (set to
// $HOME itself) or not absolute, all of which the spec says to ignore.
func userDirFromFile(file, key, home string) (string, error) {
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", file, err)
	}
	defer f.Close()
	dir := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") || strings.TrimSpace(k) != key {
			continue
		}
		dir = parseUserDir(strings.TrimSpace(v), home) // the last one wins, as in a shell
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("reading %s: %w", file, err)
	}
	if dir == "" || filepath.Clean(dir) == filepath.Clean(home) {
		return "", nil
	}
	return dir, nil
}

// parseUserDir decodes a user-dirs value: "$HOME/Downloads" or
// "/abs/path", in double quotes, with \" \\ \$ \` escapes. It returns ""
// for values it cannot use.
func parseUserDir(v, home string) string {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return ""
	}
	v = v[1 : len(v)-1]
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) {
			i++
			b.WriteByte(v[i])
			continue
		}
		if c == '$' && strings.HasPrefix(v[i:], "$HOME") && (len(v) == i+5 || v[i+5] == '/') {
			b.WriteString(home)
			i += len("$HOME") - 1
			continue
		}
		b.WriteByte(c)
	}
	path := b.String()
	if !filepath.IsAbs(path) {
		return ""
	}
	return filepath.Clean(path)
}
