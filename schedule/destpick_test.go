package schedule

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestDestChoicePick: a choice is checked against the config file before
// anyone is asked (a refusal is a *NotSavableError and asks nothing),
// saved after; a failed choice or a job gone meanwhile saves nothing,
// and a job the file does not hold is said after the file's path.
func TestDestChoicePick(t *testing.T) {
	chosen := errors.New("no destination chosen")
	tests := []struct {
		name         string
		choice       DestChoice
		config       string
		chooseErr    error
		dropJob      bool     // the job is removed while choosing
		wantAsked    bool     // choose is called
		wantReplaced []string // Save's
		wantSaved    bool     // the file changed
		wantErr      string   // the whole error; PATH is the file's path
		notSavable   bool
	}{
		{name: "not saved", config: nightlyConfig, wantAsked: true},
		{name: "default", choice: DestChoice{Default: true}, config: nightlyConfig, wantAsked: true, wantSaved: true},
		{name: "job", choice: DestChoice{Job: "nightly"}, config: nightlyConfig, wantAsked: true, wantSaved: true,
			wantReplaced: []string{"folder:/srv/b"}},
		{name: "unknown job", choice: DestChoice{Job: "weekly"}, config: nightlyConfig, notSavable: true,
			wantErr: `PATH: no job "weekly" (jobs: nightly)`},
		{name: "config that does not load", choice: DestChoice{Default: true}, config: "default_dest = [", notSavable: true,
			wantErr: "PATH:1: default_dest: unexpected EOF; expected value"},
		{name: "nothing chosen", choice: DestChoice{Default: true}, config: nightlyConfig, chooseErr: chosen, wantAsked: true,
			wantErr: "no destination chosen"},
		{name: "job gone meanwhile", choice: DestChoice{Job: "nightly"}, config: nightlyConfig, dropJob: true, wantAsked: true,
			wantErr: `PATH: no job "nightly" (there are no jobs yet)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.config)
			asked := false
			spec, replaced, err := tt.choice.Pick(path, func() (string, error) {
				asked = true
				if tt.dropJob {
					if err := os.WriteFile(path, []byte(`default_dest = "downloads"`), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				return "usb:NEW", tt.chooseErr
			})
			if asked != tt.wantAsked || errors.As(err, new(*NotSavableError)) != tt.notSavable {
				t.Fatalf("Pick = %v (%T), asked: %v; want asked %v, a refusal before asking %v", err, err, asked, tt.wantAsked, tt.notSavable)
			}
			data, _ := os.ReadFile(path)
			if saved := string(data) != tt.config && !tt.dropJob; saved != tt.wantSaved {
				t.Errorf("the file changed: %v, want %v:\n%s", saved, tt.wantSaved, data)
			}
			switch {
			case tt.wantErr != "":
				want := tt.wantErr
				if strings.HasPrefix(want, "PATH") {
					want = path + strings.TrimPrefix(want, "PATH")
				}
				if err == nil || err.Error() != want {
					t.Errorf("Pick = %v, want %q", err, want)
				}
			case err != nil || spec != "usb:NEW" || !reflect.DeepEqual(replaced, tt.wantReplaced):
				t.Errorf("Pick = %q, %q, %v; want usb:NEW, %q", spec, replaced, err, tt.wantReplaced)
			}
		})
	}
}
