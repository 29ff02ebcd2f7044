package local

import (
	"errors"
	"strings"
	"testing"
)

// TestKnownFolderDir runs the Downloads and Documents decisions of every
// system here, with the system's answers given as values.
func TestKnownFolderDir(t *testing.T) {
	noShell := errors.New("Element not found.")
	userDirs := "XDG_DOWNLOAD_DIR=\"$HOME/Téléchargements\"\nXDG_DOCUMENTS_DIR=\"/srv/docs\"\n"
	tests := []struct {
		name    string
		goos    string
		folder  knownFolder
		env     map[string]string
		ans     osAnswer
		want    string
		wantErr string // part of the error, when one is wanted
	}{
		{"windows known folder", "windows", folderDownloads,
			map[string]string{"USERPROFILE": `C:\Users\ana`},
			osAnswer{shellPath: `D:\Ana\Downloads`}, `D:\Ana\Downloads`, ""},
		{"windows documents", "windows", folderDocuments, nil,
			osAnswer{shellPath: `C:\Users\ana\OneDrive\Documents`}, `C:\Users\ana\OneDrive\Documents`, ""},
		{"windows shell fails, profile", "windows", folderDownloads,
			map[string]string{"USERPROFILE": `C:\Users\ana`, "HOME": "/home/ana"},
			osAnswer{shellErr: noShell}, `C:\Users\ana\Downloads`, ""},
		{"windows relative shell answer ignored", "windows", folderDocuments,
			map[string]string{"USERPROFILE": `C:\Users\ana\`},
			osAnswer{shellPath: `Documents`}, `C:\Users\ana\Documents`, ""},
		{"windows ignores HOME and user-dirs", "windows", folderDownloads,
			map[string]string{"HOME": "/home/ana"},
			osAnswer{shellErr: noShell, userDirs: userDirs}, "", "Element not found."},
		{"windows nothing at all", "windows", folderDownloads, nil, osAnswer{}, "", "USERPROFILE is not set"},
		{"macOS home", "darwin", folderDownloads,
			map[string]string{"HOME": "/Users/ana"}, osAnswer{}, "/Users/ana/Downloads", ""},
		{"macOS ignores user-dirs", "darwin", folderDocuments,
			map[string]string{"HOME": "/Users/ana"}, osAnswer{userDirs: userDirs}, "/Users/ana/Documents", ""},
		{"macOS without HOME", "darwin", folderDownloads,
			map[string]string{"USERPROFILE": `C:\Users\ana`}, osAnswer{}, "", "HOME is not set"},
		{"linux user-dirs", "linux", folderDownloads,
			map[string]string{"HOME": "/home/ana"}, osAnswer{userDirs: userDirs}, "/home/ana/Téléchargements", ""},
		{"linux user-dirs documents", "linux", folderDocuments,
			map[string]string{"HOME": "/home/ana"}, osAnswer{userDirs: userDirs}, "/srv/docs", ""},
		{"linux no user-dirs", "linux", folderDownloads,
			map[string]string{"HOME": "/home/ana"}, osAnswer{}, "/home/ana/Downloads", ""},
		{"freebsd as linux", "freebsd", folderDownloads,
			map[string]string{"HOME": "/home/ana"}, osAnswer{userDirs: userDirs}, "/home/ana/Téléchargements", ""},
		{"linux relative HOME", "linux", folderDownloads,
			map[string]string{"HOME": "ana"}, osAnswer{}, "", "HOME is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := knownFolderDir(tt.goos, tt.folder, envOf(tt.env), tt.ans)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "folder:PATH") {
					t.Fatalf("knownFolderDir = %q, %v; want an error with %q and the folder:PATH hint", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("knownFolderDir = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestUserDirsFile(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HOME": "/home/ana"}, "/home/ana/.config/user-dirs.dirs"},
		{map[string]string{"HOME": "/home/ana", "XDG_CONFIG_HOME": "/cfg"}, "/cfg/user-dirs.dirs"},
		{map[string]string{"HOME": "/home/ana", "XDG_CONFIG_HOME": "cfg"}, "/home/ana/.config/user-dirs.dirs"},
		{map[string]string{"XDG_CONFIG_HOME": "/cfg"}, ""},
	}
	for _, tt := range tests {
		if got := userDirsFile(envOf(tt.env)); got != tt.want {
			t.Errorf("userDirsFile(%v) = %q, want %q", tt.env, got, tt.want)
		}
	}
}
