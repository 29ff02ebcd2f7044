package proton

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/proton/protontest"
)

// TestNoResponse: a request that makes a file draft or a folder and gets
// no response at all (the connection closed on every try) ends the
// backup with a one-line network error, not a crash. go-proton-api's
// CreateFile and CreateFolder read the status of the response they did
// not get (a nil *resty.Response), which panics.
func TestNoResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		route string
		setup func(t *testing.T, f *fakeProton, d *Destination) // before the hang-ups
		// made: the server makes the folder first (see madeDest).
		made bool
	}{
		{"file draft", protontest.RouteCreateFile, func(t *testing.T, f *fakeProton, d *Destination) { putDirect(t, f, d, "older", []byte("older")) }, true},
		{"new folder", protontest.RouteCreateFolder, func(*testing.T, *fakeProton, *Destination) {}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeProton(t)
			d := f.newDest(t)
			if tt.made {
				d = f.madeDest(t)
			}
			tt.setup(t, f, d)
			f.srv.HangUpNext(tt.route, 1000)
			_, err := putBackup(context.Background(), d, "newer", []byte("a backup"))
			if !errors.Is(err, ErrNetwork) {
				t.Fatalf("backup error = %v, want %v", err, ErrNetwork)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			if f.srv.Calls(tt.route) < 2 {
				t.Fatalf("%s was called %d times; the hang-ups were not reached", tt.route, f.srv.Calls(tt.route))
			}
		})
	}
}
