package picker

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/cakebackup/cakebackup/local"
)

// noDrives is a drive detector that finds none.
func noDrives(context.Context) ([]local.Drive, error) { return nil, nil }

// Chooser tries the desktop's chooser first, and says why it cannot fall
// back to the terminal picker when stdin is no terminal.
func TestChooserWithoutTerminal(t *testing.T) {
	home := t.TempDir()
	downloads := filepath.Join(home, "Downloads")
	if err := os.Mkdir(downloads, 0o700); err != nil {
		t.Fatal(err)
	}
	chosen := filepath.Join(home, "Chosen")
	if err := os.Mkdir(chosen, 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		desktop  bool
		body     string // the fake zenity's
		only     bool   // TerminalOnly
		want     string
		wantErr  error
		wantText string
	}{
		{name: "desktop chooses", desktop: true, body: "echo '" + chosen + "'", want: "folder:" + chosen},
		{name: "desktop chooses Downloads", desktop: true, body: "echo '" + downloads + "'", want: "downloads"},
		{name: "desktop cancelled", desktop: true, body: "exit 1", wantErr: ErrNoDestination},
		{name: "desktop fails", desktop: true, body: "echo 'no such font' >&2; exit 3", wantErr: ErrNoTerminal,
			wantText: "folder chooser zenity: exit status 3: no such font; and no terminal to show the folder picker on"},
		{name: "no desktop", wantErr: ErrNoTerminal, wantText: "no terminal to show the folder picker on"},
		{name: "terminal only", desktop: true, body: "echo '" + chosen + "'", only: true, wantErr: ErrNoTerminal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bin := fakeProgram(t, "zenity", tc.body)
			vars := map[string]string{"HOME": home, "PATH": bin}
			if tc.desktop {
				vars["DISPLAY"] = ":0"
			}
			var stderr bytes.Buffer
			c := Chooser{Title: "Choose", GOOS: "linux", Getenv: envOf(vars), Drives: noDrives,
				Stdin: strings.NewReader(""), Stderr: &stderr, TerminalOnly: tc.only,
				Fallback: func(err error) { t.Errorf("fell back to the terminal picker without a terminal: %v", err) }}
			got, err := c.Choose(context.Background())
			if got != tc.want || !errors.Is(err, tc.wantErr) {
				t.Fatalf("Choose = %q, %v; want %q, %v", got, err, tc.want, tc.wantErr)
			}
			if tc.wantText != "" && err.Error() != tc.wantText {
				t.Errorf("error %q, want %q", err, tc.wantText)
			}
			_, ran := os.Stat(filepath.Join(bin, "args"))
			if wantRan := tc.desktop && !tc.only; (ran == nil) != wantRan {
				t.Errorf("desktop chooser ran: %v, want %v", ran == nil, wantRan)
			}
			if stderr.Len() > 0 {
				t.Errorf("stderr got %q", stderr.String())
			}
		})
	}
}

// A Chooser without a drive detector (Drives nil) offers no drives
// rather than panicking.
func TestChooserWithoutDrives(t *testing.T) {
	home := t.TempDir()
	bin := fakeProgram(t, "zenity", "echo '"+home+"'")
	c := Chooser{Title: "Choose", GOOS: "linux", Getenv: envOf(map[string]string{"HOME": home, "PATH": bin, "DISPLAY": ":0"}),
		Stdin: strings.NewReader(""), Stderr: io.Discard}
	got, err := c.Choose(context.Background())
	if want := "folder:" + home; got != want || err != nil {
		t.Fatalf("Choose = %q, %v; want %q, nil", got, err, want)
	}
}

// The zero Chooser (no environment, no drive detector, no terminal)
// says it has no terminal rather than panicking.
func TestZeroChooser(t *testing.T) {
	got, err := Chooser{}.Choose(context.Background())
	if got != "" || !errors.Is(err, ErrNoTerminal) {
		t.Fatalf("Choose = %q, %v; want \"\", %v", got, err, ErrNoTerminal)
	}
}

// closingSource is a source that records that it was closed.
type closingSource struct {
	LocalFolders
	closed bool
}

func (s *closingSource) Name() string          { return "Other tree" }
func (s *closingSource) Close(context.Context) { s.closed = true }

// When the desktop's chooser fails, Chooser says why and shows the
// terminal picker on the terminal, with the More sources, and closes them.
func TestChooserFallsBackToTerminal(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs a Unix pseudo-terminal")
	}
	home, _ := tree(t)
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptm.Close()
	defer tty.Close()
	// Read what the picker draws, answer its cursor query, and press
	// Enter once it shows the folder: "Use this folder".
	var drawn bytes.Buffer
	var mu sync.Mutex
	go func() {
		chunk := make([]byte, 4096)
		entered := false
		for {
			n, err := ptm.Read(chunk)
			mu.Lock()
			drawn.Write(chunk[:n])
			s := drawn.String()
			mu.Unlock()
			if strings.Contains(string(chunk[:n]), "\x1b[6n") {
				ptm.Write([]byte("\x1b[1;1R"))
			}
			if !entered && strings.Contains(s, "Use this folder") {
				entered = true
				ptm.Write([]byte("\r"))
			}
			if err != nil {
				return
			}
		}
	}()
	bin := fakeProgram(t, "zenity", "echo 'cannot start' >&2; exit 3")
	other := &closingSource{}
	var told []string
	c := Chooser{Title: "Choose", GOOS: "linux", Getenv: envOf(map[string]string{"HOME": home, "PATH": bin, "DISPLAY": ":0"}),
		Drives: noDrives, Stdin: tty, Stderr: tty,
		More:     func() []FolderSource { return []FolderSource{other} },
		Fallback: func(err error) { told = append(told, err.Error()) }}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got, err := c.Choose(ctx)
	if err != nil {
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("Choose: %v; the terminal shows %q", err, drawn.String())
	}
	if want := "downloads"; got != want {
		t.Errorf("Choose = %q, want %q", got, want)
	}
	if want := []string{"folder chooser zenity: exit status 3: cannot start"}; !slices.Equal(told, want) {
		t.Errorf("Fallback told %q, want %q", told, want)
	}
	if !other.closed {
		t.Error("the More source was not closed")
	}
}
