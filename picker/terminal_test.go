package picker

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// RunTerminal reads raw terminal bytes, as a terminal sends them.
func TestPickRunTerminal(t *testing.T) {
	home, local := tree(t)
	tests := []struct {
		name    string
		input   string
		want    string
		wantErr error
	}{
		{"enter", "\r", "folder:" + filepath.Join(home, "Downloads"), nil},
		{"arrows", "\x1b[B\x1b[B\x1b[B\r\r", "folder:" + filepath.Join(home, "Downloads", "Alpha"), nil},
		{"new folder", "nSafe\r\r", "folder:" + filepath.Join(home, "Downloads", "Safe"), nil},
		{"q cancels", "q", "", ErrNoDestination},
		{"ctrl-c interrupts", "\x03", "", ErrInterrupted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			c, err := RunTerminal(context.Background(), strings.NewReader(tc.input), &out, []FolderSource{local})
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if c.Spec != tc.want {
				t.Errorf("spec = %q, want %q", c.Spec, tc.want)
			}
		})
	}
}

func TestPickRunTerminalEndsWithContext(t *testing.T) {
	_, local := tree(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := RunTerminal(ctx, strings.NewReader(""), &bytes.Buffer{}, []FolderSource{local})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
