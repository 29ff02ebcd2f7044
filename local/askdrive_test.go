package local

import (
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/creack/pty"

	"github.com/cakebackup/cakebackup/secret"
)

func TestAskDrive(t *testing.T) {
	drives := []Drive{{Label: "WALLETS", MountPoint: "/media/ana/WALLETS", Free: 1 << 30}, {Label: "SD", MountPoint: "/media/ana/SD", Free: 2 << 30}}
	const listing = "Several removable drives are plugged in:\n  1) WALLETS  /media/ana/WALLETS  (1.0 GiB free)\n  2) SD  /media/ana/SD  (2.0 GiB free)\n"
	for _, tc := range []struct {
		name, stdin string
		want        string // the chosen drive's label; "" for an error
		wantErr     error
	}{
		{"second", "2\n", "SD", nil},
		{"first, with spaces", " 1 \n", "WALLETS", nil},
		{"out of range", "3\n", "", ErrNoDriveChosen},
		{"not a number", "SD\n", "", ErrNoDriveChosen},
		{"no answer", "", "", ErrNoDriveChosen},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w strings.Builder
			p := secret.NewPrompter(strings.NewReader(tc.stdin), &w)
			d, err := AskDrive(&w, p.Line)(context.Background(), drives)
			if !errors.Is(err, tc.wantErr) || d.Label != tc.want {
				t.Errorf("AskDrive = %q, %v; want %q, %v", d.Label, err, tc.want, tc.wantErr)
			}
			if w.String() != listing {
				t.Errorf("shown %q, want %q", w.String(), listing)
			}
		})
	}
}

// AskDriveOn asks only on a terminal: without one there is nobody to ask.
func TestAskDriveOn(t *testing.T) {
	if AskDriveOn(strings.NewReader("1\n"), io.Discard) != nil {
		t.Error("AskDriveOn asks without a terminal")
	}
	if runtime.GOOS == "windows" {
		return
	}
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptm.Close()
	defer tty.Close()
	choose := AskDriveOn(tty, tty)
	if choose == nil {
		t.Fatal("AskDriveOn does not ask on a terminal")
	}
	go io.Copy(io.Discard, ptm) // what is shown
	if _, err := ptm.Write([]byte("2\n")); err != nil {
		t.Fatal(err)
	}
	d, err := choose(context.Background(), []Drive{{Label: "WALLETS"}, {Label: "SD"}})
	if err != nil || d.Label != "SD" {
		t.Errorf("chose %q, %v; want SD", d.Label, err)
	}
}
