package schedule

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestDestChoicePick: a choice is checked against the config file before
// anyone is asked (a refusal is a *NotSavableError and asks nothing),
// saved after; the config file is looked for only when the choice is
// saved there; a failed choice or a job gone meanwhile saves nothing, and
// a job the file does not hold is said after the file's path.
func TestDestChoicePick(t *testing.T) {
	noConfig := errors.New("config file: HOME is not set (use --config FILE)")
	tests := []struct {
		name         string
		choice       DestChoice
		config       string
		configErr    error // configPath's
		chooseErr    error
		dropJob      bool     // the job is removed while choosing
		wantAsked    bool     // choose is called
		wantReplaced []string // Save's
		wantSaved    string   // what pick says of it (Picked.WriteSaved)
		wantErr      string   // the whole error; PATH is the file's path
		notSavable   bool
	}{
		{name: "not saved", config: nightlyConfig, configErr: noConfig, wantAsked: true},
		{name: "default", choice: DestChoice{Default: true}, config: nightlyConfig, wantAsked: true,
			wantSaved: "Saved usb:NEW as the default destination in PATH\n"},
		{name: "job", choice: DestChoice{Job: "nightly"}, config: nightlyConfig, wantAsked: true, wantReplaced: []string{"folder:/srv/b"},
			wantSaved: "Saved usb:NEW as the destination of job \"nightly\" in PATH (it was: folder:/srv/b)\n"},
		{name: "no config file", choice: DestChoice{Default: true}, config: nightlyConfig, configErr: noConfig,
			wantErr: "config file: HOME is not set (use --config FILE)"},
		{name: "unknown job", choice: DestChoice{Job: "weekly"}, config: nightlyConfig, notSavable: true,
			wantErr: `PATH: no job "weekly" (jobs: nightly)`},
		{name: "config that does not load", choice: DestChoice{Default: true}, config: "default_dest = [", notSavable: true,
			wantErr: "PATH:1: default_dest: unexpected EOF; expected value"},
		{name: "nothing chosen", choice: DestChoice{Default: true}, config: nightlyConfig, chooseErr: errors.New("no destination chosen"),
			wantAsked: true, wantErr: "no destination chosen"},
		{name: "job gone meanwhile", choice: DestChoice{Job: "nightly"}, config: nightlyConfig, dropJob: true, wantAsked: true,
			wantErr: `PATH: no job "nightly" (there are no jobs yet)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.config)
			asked := false
			picked, err := tt.choice.Pick(func() (string, error) { return path, tt.configErr }, func() (string, error) {
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
			if saved := string(data) != tt.config && !tt.dropJob; saved != (tt.wantSaved != "") {
				t.Errorf("the file changed: %v, want %v:\n%s", saved, tt.wantSaved != "", data)
			}
			if tt.wantErr != "" {
				if want := strings.Replace(tt.wantErr, "PATH", path, 1); err == nil || err.Error() != want {
					t.Errorf("Pick = %v, want %q", err, want)
				}
				return
			}
			if err != nil || picked.Spec != "usb:NEW" || !reflect.DeepEqual(picked.Replaced, tt.wantReplaced) {
				t.Fatalf("Pick = %+v, %v; want usb:NEW, replacing %q", picked, err, tt.wantReplaced)
			}
			var said bytes.Buffer
			if err := picked.WriteSaved(&said); err != nil || said.String() != strings.Replace(tt.wantSaved, "PATH", path, 1) {
				t.Errorf("WriteSaved = %q, %v; want %q", said.String(), err, tt.wantSaved)
			}
		})
	}
}
