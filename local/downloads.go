package local

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/cakebackup/cakebackup/internal/winpath"
)

// NewDownloads returns the destination for the user's Downloads folder
// (see DownloadsDir). A missing folder is not made here, since listing it
// must create nothing: the first backup stored there makes it, with mode
// 0700, and until then it lists as empty. Its Spec is "folder:PATH", so it
// reopens the same folder even where the environment differs, as under a
// scheduler.
func NewDownloads(getenv func(string) string) (*Folder, error) {
	dir, err := DownloadsDir(getenv)
	if err != nil {
		return nil, err
	}
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		dir = filepath.Clean(dir)
		return &Folder{dir: dir, spec: "folder:" + dir, room: folderRoom, makeDir: true}, nil
	}
	return NewFolder(dir)
}

// DownloadsDir returns the user's Downloads folder: on Windows the
// Downloads known folder, on macOS ~/Downloads, elsewhere XDG_DOWNLOAD_DIR
// from the XDG user-dirs file ($XDG_CONFIG_HOME/user-dirs.dirs, by default
// ~/.config/user-dirs.dirs), else ~/Downloads. The environment is read
// through getenv only.
func DownloadsDir(getenv func(string) string) (string, error) {
	return knownFolderOf(folderDownloads, getenv)
}

// DocumentsDir returns the user's Documents folder, found as DownloadsDir
// finds Downloads (XDG_DOCUMENTS_DIR in the user-dirs file).
func DocumentsDir(getenv func(string) string) (string, error) {
	return knownFolderOf(folderDocuments, getenv)
}

// knownFolderOf asks this system about f and decides where it is.
func knownFolderOf(f knownFolder, getenv func(string) string) (string, error) {
	ans, err := askKnownFolder(f, getenv)
	if err != nil {
		return "", err
	}
	return knownFolderDir(runtime.GOOS, f, getenv, ans)
}

// knownFolder is one of the user's standard folders.
type knownFolder int

const (
	folderDownloads knownFolder = iota
	folderDocuments
)

// name is the folder's name under the home folder.
func (f knownFolder) name() string {
	if f == folderDocuments {
		return "Documents"
	}
	return "Downloads"
}

// xdgKey is the folder's key in the XDG user-dirs file.
func (f knownFolder) xdgKey() string {
	if f == folderDocuments {
		return "XDG_DOCUMENTS_DIR"
	}
	return "XDG_DOWNLOAD_DIR"
}

// osAnswer is what the system said about a known folder (askKnownFolder).
type osAnswer struct {
	// shellPath is the Windows shell's answer (SHGetKnownFolderPath), ""
	// when it had none; shellErr says why.
	shellPath string
	shellErr  error
	// userDirs is the XDG user-dirs file's contents, "" when there is no
	// such file.
	userDirs string
}

// knownFolderDir decides where f is on goos, from the environment and
// what the system answered:
//   - windows: the shell's known folder, else %USERPROFILE%\Downloads;
//   - darwin: $HOME/Downloads (Finder only translates the name it shows);
//   - others: the folder f's key names in the XDG user-dirs file, else
//     $HOME/Downloads.
func knownFolderDir(goos string, f knownFolder, getenv func(string) string, ans osAnswer) (string, error) {
	if goos == "windows" {
		if winpath.IsAbs(ans.shellPath) {
			return ans.shellPath, nil
		}
		if profile := getenv("USERPROFILE"); winpath.IsAbs(profile) {
			return winpath.Join(profile, f.name()), nil
		}
		if ans.shellErr != nil {
			return "", fmt.Errorf("cannot find the %s folder (%w) and USERPROFILE is not set; use folder:PATH", f.name(), ans.shellErr)
		}
		return "", fmt.Errorf("cannot find the %s folder: USERPROFILE is not set; use folder:PATH", f.name())
	}
	home := getenv("HOME")
	if !strings.HasPrefix(home, "/") {
		return "", fmt.Errorf("cannot find the %s folder: HOME is not set; use folder:PATH", f.name())
	}
	if goos != "darwin" {
		if dir := userDirFromText(ans.userDirs, f.xdgKey(), home); dir != "" {
			return dir, nil
		}
	}
	return filepath.Join(home, f.name()), nil
}

// userDirsFile returns where the XDG user-dirs file is:
// $XDG_CONFIG_HOME/user-dirs.dirs, by default ~/.config/user-dirs.dirs. It
// returns "" without an absolute HOME.
func userDirsFile(getenv func(string) string) string {
	home := getenv("HOME")
	if !filepath.IsAbs(home) {
		return ""
	}
	configHome := getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(configHome) {
		configHome = filepath.Join(home, ".config")
	}
	return filepath.Join(configHome, "user-dirs.dirs")
}

// userDirFromText returns the folder key names in the contents of an XDG
// user-dirs file. It returns "" when the key is missing, or when the
// folder is disabled (set to $HOME itself) or not absolute, all of which
// the spec says to ignore.
func userDirFromText(text, key, home string) string {
	dir := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") || strings.TrimSpace(k) != key {
			continue
		}
		dir = parseUserDir(strings.TrimSpace(v), home) // the last one wins, as in a shell
	}
	if dir == "" || filepath.Clean(dir) == filepath.Clean(home) {
		return ""
	}
	return dir
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
