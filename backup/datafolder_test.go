package backup

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// makeTree creates files (slash paths, relative to dir; a trailing slash
// makes an empty folder).
func makeTree(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if f[len(f)-1] == '/' {
			if err := os.MkdirAll(p, 0o700); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCheckDataFolder(t *testing.T) {
	tests := []struct {
		name    string
		files   []string
		check   string // folder checked, relative to the tree
		wallets []string
		notData bool   // a *DataFolderError
		dataDir string // its DataDir, relative to the tree
	}{
		{"data folder", []string{"wallets/monero/main/main.keys", "~_keychain_dump"}, ".", []string{"monero/main"}, false, ""},
		{"wallet file and keys", []string{"wallets/bitcoin/savings/savings", "wallets/monero/main/main.keys", "wallets/nano/"}, ".", []string{"bitcoin/savings", "monero/main"}, false, ""},
		{"other files only", []string{"wallets/monero/main/notes.txt", "wallets/monero/main/sub/main"}, ".", nil, true, ""},
		{"empty folder", []string{"x/"}, "x", nil, true, ""},
		{"unrelated files", []string{"notes.txt", "photos/a.jpg"}, ".", nil, true, ""},
		{"empty wallet folders", []string{"wallets/monero/main/"}, ".", nil, true, ""},
		{"file where wallets belong", []string{"wallets"}, ".", nil, true, ""},
		{"parent of the data folder", []string{"cake/wallets/monero/main/main", "readme.txt"}, ".", nil, true, "cake"},
		{"parent of a data folder called wallets", []string{"ex/wallets/wallets/monero/main/main"}, "ex", nil, true, "ex/wallets"},
		{"its wallets folder", []string{"cake/wallets/monero/main/main"}, "cake/wallets", nil, true, "cake"},
		{"a wallet type folder", []string{"cake/wallets/monero/main/main"}, "cake/wallets/monero", nil, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			makeTree(t, root, tt.files...)
			dir := filepath.Join(root, tt.check)
			w, err := WalletsIn(dir)
			if err != nil || !reflect.DeepEqual(w, tt.wallets) {
				t.Errorf("WalletsIn = %v, %v; want %v", w, err, tt.wallets)
			}
			err = CheckDataFolder(dir)
			var notData *DataFolderError
			if got := errors.As(err, &notData); got != tt.notData {
				t.Fatalf("CheckDataFolder = %v; want a DataFolderError: %v", err, tt.notData)
			}
			if !tt.notData {
				if err != nil {
					t.Fatalf("CheckDataFolder = %v", err)
				}
				return
			}
			want := ""
			if tt.dataDir != "" {
				want = filepath.Join(root, tt.dataDir)
			}
			if notData.DataDir != want || notData.Dir != dir {
				t.Errorf("error %+v; want Dir %s, DataDir %q", notData, dir, want)
			}
		})
	}
}

func TestCheckDataFolderMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	err := CheckDataFolder(missing)
	var notData *DataFolderError
	if err == nil || errors.As(err, &notData) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("CheckDataFolder(missing) = %v; want a not-exist error, not a DataFolderError", err)
	}
}

// The sample data folder shipped in examples/ holds the wallets the
// README's commands back up.
func TestCheckDataFolderExamples(t *testing.T) {
	if err := CheckDataFolder("../examples/wallets"); err != nil {
		t.Errorf("examples/wallets: %v", err)
	}
	var notData *DataFolderError
	if err := CheckDataFolder("../examples"); !errors.As(err, &notData) || notData.DataDir != filepath.Join("..", "examples", "wallets") {
		t.Errorf("examples: %v; want the data folder examples/wallets suggested", err)
	}
}
