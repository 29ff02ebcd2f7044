package secret

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSourcesRead(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "pw")
	if err := os.WriteFile(file, []byte("from the file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		src      Sources
		want     string
		wantFrom string
		wantErr  error
	}{
		{"file", Sources{File: file}, "from the file", "password file", nil},
		{"stdin", Sources{Stdin: strings.NewReader("typed\nmore")}, "typed", "standard input", nil},
		{"env", Sources{Env: "from env", EnvName: "$PW"}, "from env", "$PW", nil},
		{"none", Sources{}, "", "", ErrNoPassword},
		{"two", Sources{File: file, Env: "x"}, "", "", ErrSeveralSources},
		{"empty stdin", Sources{Stdin: strings.NewReader("\n")}, "", "", ErrEmpty},
		{"missing file", Sources{File: filepath.Join(dir, "none")}, "", "", fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pw, from, err := tt.src.Read(context.Background())
			if !errors.Is(err, tt.wantErr) || pw != tt.want || from != tt.wantFrom {
				t.Fatalf("Read = %q, %q, %v; want %q, %q, %v", pw, from, err, tt.want, tt.wantFrom, tt.wantErr)
			}
		})
	}
}

func TestWriteNew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pw.txt")
	if err := WriteNew(path, "s3cret"); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("stat = %v, %v; want mode 0600", fi, err)
	}
	if b, _ := os.ReadFile(path); string(b) != "s3cret\n" {
		t.Fatalf("file holds %q", b)
	}
	if err := WriteNew(path, "other"); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second WriteNew = %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "s3cret\n" {
		t.Fatalf("an existing file was overwritten: %q", b)
	}
}
