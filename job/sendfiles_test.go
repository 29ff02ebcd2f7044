package job_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/interrupt"
	"github.com/cakebackup/cakebackup/job"
)

// TestSendFiles: each file is sent or refused on its own, in order, done
// hears of each as it ends, and the error is nil, the one failed file's,
// or a *FilesError counting them and wrapping the first's; the result
// object words each error and gives its code with the functions given.
func TestSendFiles(t *testing.T) {
	good, _ := export(t, "good", 0)
	notes := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notes, []byte("not a backup"), 0o600)
	missing := filepath.Join(t.TempDir(), "missing")
	tests := []struct {
		name  string
		files []string
		ok    []bool
		// wantErr is the error's text, given the first failed file's.
		wantErr func(first string) string
		is      error
	}{
		{"all sent", []string{good}, []bool{true}, nil, nil},
		{"one of two refused", []string{notes, good}, []bool{false, true},
			func(first string) string { return first }, backup.ErrUnsupportedVersion},
		{"two of three refused", []string{missing, good, notes}, []bool{false, true, false},
			func(first string) string { return "2 of 3 files were not sent everywhere; the first: " + first }, destinations.ErrNoSuchFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dest := t.TempDir()
			var heard []string
			sent, err := job.SendFiles(t.Context(), opener(), tt.files, job.Shipment{Dests: []string{"folder:" + dest}},
				func(f job.SentFile) { heard = append(heard, f.File) })
			if tt.wantErr == nil && err != nil {
				t.Fatalf("SendFiles: %v", err)
			}
			if tt.wantErr != nil {
				if want := tt.wantErr(sent[0].Err.Error()); err == nil || err.Error() != want || !errors.Is(err, tt.is) {
					t.Fatalf("SendFiles: %v, want %q wrapping %v", err, want, tt.is)
				}
				if !strings.HasPrefix(sent[0].Err.Error(), tt.files[0]+": ") {
					t.Errorf("the first file's error %q does not name it", sent[0].Err)
				}
			}
			if !slices.Equal(heard, tt.files) {
				t.Errorf("done heard of %v, want %v", heard, tt.files)
			}
			res := sent.Result(func(err error) string { return "worded: " + err.Error() }, func(error) int { return 7 })
			for i, f := range sent {
				r := res.Files[i]
				if f.File != tt.files[i] || (f.Err == nil) != tt.ok[i] || r.File != f.File || r.OK != tt.ok[i] {
					t.Errorf("file %d: %+v, result %+v, want ok %v", i, f, r, tt.ok[i])
				}
				if tt.ok[i] && (r.MadeBy != f.Sent.Info.Maker().String() || r.Size == 0 || len(r.Destinations) != 1 || !r.Destinations[0].OK) {
					t.Errorf("file %d: result %+v", i, r)
				}
				if !tt.ok[i] && (r.Error != "worded: "+f.Err.Error() || r.ExitCode != 7 || r.Destinations != nil) {
					t.Errorf("file %d: result %+v", i, r)
				}
			}
			if got := names(t, dest); !slices.Equal(got, []string{"good"}) {
				t.Errorf("destination holds %v, want only good", got)
			}
		})
	}
}

// TestSentResultJSON: send --json's object, whole, of a file refused.
func TestSentResultJSON(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	sent, _ := job.SendFiles(t.Context(), opener(), []string{missing}, job.Shipment{Dests: []string{"folder:" + t.TempDir()}}, nil)
	b, err := json.Marshal(sent.Result(func(err error) string { return "no such file" }, func(error) int { return 2 }))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"files":[{"file":` + strings.ReplaceAll(`"`+missing+`"`, `\`, `\\`) + `,"ok":false,"error":"no such file","exit_code":2}]}`
	if string(b) != want {
		t.Errorf("JSON\n%s\nwant\n%s", b, want)
	}
}

// TestInterrupted: only the context's ending, when a signal ended it, is
// said as the signal's interruption.
func TestInterrupted(t *testing.T) {
	signalled, stop := context.WithCancelCause(context.Background())
	stop(&interrupt.Error{Code: 130})
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	other := errors.New("no room left")
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want string
	}{
		{"signalled, cancelled", signalled, context.Canceled, "interrupted"},
		{"signalled, another error", signalled, other, "no room left"},
		{"cancelled without a signal", cancelled, context.Canceled, "context canceled"},
		{"no error", signalled, nil, ""},
	}
	for _, tt := range tests {
		got := job.Interrupted(tt.ctx, tt.err)
		if (got == nil) != (tt.want == "") || got != nil && got.Error() != tt.want {
			t.Errorf("%s: Interrupted = %v, want %q", tt.name, got, tt.want)
		}
	}
	if code, _ := interrupt.Code(signalled); !errors.As(job.Interrupted(signalled, context.Canceled), new(*interrupt.Error)) || code != 130 {
		t.Errorf("Interrupted does not give the signal's *interrupt.Error")
	}
}
