package secret

import (
	"context"
	"errors"
	"io"
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
	generate := func() (string, error) { return "k7m2p-xq9rt", nil }
	errNoRandom := errors.New("no randomness")
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
		{"generated when none is given", Sources{Generate: generate}, "k7m2p-xq9rt", Generated, nil},
		{"a source given beats Generate", Sources{Env: "from env", EnvName: "$PW", Generate: generate}, "from env", "$PW", nil},
		{"two sources with Generate", Sources{File: file, Env: "x", Generate: generate}, "", "", ErrSeveralSources},
		{"generating fails", Sources{Generate: func() (string, error) { return "", errNoRandom }}, "", "", errNoRandom},
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

// TestReadWithoutTerminal: ReadOrPrompt and ReadNew read a source given
// as Read does, never asking; with none, and standard input a file or a
// pipe rather than a terminal, there is nobody to ask (ErrNoTerminal).
func TestReadWithoutTerminal(t *testing.T) {
	dir := t.TempDir()
	stdin := filepath.Join(dir, "stdin")
	if err := os.WriteFile(stdin, []byte("not a terminal\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(stdin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	generate := func() (string, error) { return "k7m2p-xq9rt", nil }
	tests := []struct {
		name     string
		src      Sources
		in       io.Reader
		want     string
		wantFrom string
		wantErr  error
	}{
		{"none, a file as stdin", Sources{}, f, "", "", ErrNoTerminal},
		{"none, a reader as stdin", Sources{}, strings.NewReader("typed\n"), "", "", ErrNoTerminal},
		{"none, no stdin", Sources{}, nil, "", "", ErrNoTerminal},
		{"env", Sources{Env: "from env", EnvName: "$PW"}, nil, "from env", "$PW", nil},
		{"generated", Sources{Generate: generate}, nil, "k7m2p-xq9rt", Generated, nil},
		{"two", Sources{Env: "x", EnvName: "$PW", Stdin: strings.NewReader("y\n")}, nil, "", "", ErrSeveralSources},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var shown strings.Builder
			for how, read := range map[string]func() (string, string, error){
				"ReadOrPrompt": func() (string, string, error) {
					return tt.src.ReadOrPrompt(context.Background(), tt.in, &shown, "Password: ")
				},
				"ReadNew": func() (string, string, error) {
					return tt.src.ReadNew(context.Background(), tt.in, &shown, "New password: ", "Again: ")
				},
			} {
				pw, from, err := read()
				if !errors.Is(err, tt.wantErr) || pw != tt.want || from != tt.wantFrom {
					t.Errorf("%s = %q, %q, %v; want %q, %q, %v", how, pw, from, err, tt.want, tt.wantFrom, tt.wantErr)
				}
			}
			if shown.Len() > 0 {
				t.Errorf("prompted without a terminal: %q", shown.String())
			}
		})
	}
}

// TestKeepGenerated: a generated password is saved in a new 0600 file,
// or left to be shown; it is refused when it would reach nobody, and a
// file for a password of the person's own is refused. An existing file
// is never overwritten; a refusal leaves no file behind.
func TestKeepGenerated(t *testing.T) {
	const pw = "k7m2p-xq9rt"
	tests := []struct {
		name      string
		generated bool
		file      string // under a new temporary folder; "" for none
		existing  bool   // the file is there already
		shown     bool
		wantErr   error
		wantOp    string // for a *fs.PathError: its Op
		wantSaved bool
	}{
		{name: "saved", generated: true, file: "pw.txt", wantSaved: true},
		{name: "saved even when shown", generated: true, file: "pw.txt", shown: true, wantSaved: true},
		{name: "shown", generated: true, shown: true},
		{name: "nowhere", generated: true, wantErr: ErrNotShown},
		{name: "own password, no file", shown: false},
		{name: "own password with a file", file: "pw.txt", shown: true, wantErr: ErrNotGenerated},
		{name: "file exists", generated: true, file: "pw.txt", existing: true, wantErr: fs.ErrExist, wantOp: "open"},
		{name: "folder missing", generated: true, file: "none/pw.txt", wantErr: fs.ErrNotExist, wantOp: "open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := ""
			if tt.file != "" {
				path = filepath.Join(dir, tt.file)
			}
			if tt.existing {
				if err := os.WriteFile(path, []byte("older\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			err := KeepGenerated(pw, tt.generated, path, tt.shown)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("KeepGenerated = %v, want %v", err, tt.wantErr)
			}
			var pathErr *fs.PathError
			if tt.wantOp != "" && (!errors.As(err, &pathErr) || pathErr.Op != tt.wantOp) {
				t.Errorf("KeepGenerated = %v, want a *fs.PathError from %s", err, tt.wantOp)
			}
			b, readErr := os.ReadFile(path)
			switch {
			case tt.wantSaved:
				fi, err := os.Stat(path)
				if readErr != nil || string(b) != pw+"\n" || err != nil || fi.Mode().Perm() != 0o600 {
					t.Errorf("saved file holds %q (%v), mode %v; want the password and 0600", b, readErr, fi)
				}
			case tt.existing:
				if string(b) != "older\n" {
					t.Errorf("an existing file was overwritten: %q", b)
				}
			case path != "" && !errors.Is(readErr, fs.ErrNotExist):
				t.Errorf("a refused password left a file: %q, %v", b, readErr)
			}
		})
	}
}
