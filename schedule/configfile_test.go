package schedule

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// writeConfig writes data as a config file in a new folder and returns
// its path.
func writeConfig(t *testing.T, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const nightlyConfig = `default_dest = "downloads"

[[job]]
name = "nightly"
source = "/data/cake"
dest = "folder:/srv/b"
every = "24h"
password_file = "/etc/pw"
`

func TestLoadConfigFile(t *testing.T) {
	tests := []struct {
		name        string
		data        string // "" for no file
		wantMissing bool
		wantErr     bool
		wantDefault string
	}{
		{name: "missing", wantMissing: true},
		{name: "present", data: nightlyConfig, wantDefault: "downloads"},
		{name: "empty file", data: "\n"},
		{name: "bad field", data: "default_dst = \"usb\"\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.toml")
			if tt.data != "" {
				path = writeConfig(t, tt.data)
			}
			cfg, err := LoadConfigFile(path, true)
			var missing *MissingConfigError
			switch {
			case tt.wantMissing:
				if !errors.As(err, &missing) || missing.Path != path || !errors.Is(err, fs.ErrNotExist) || err.Error() != path+": no such config file" {
					t.Fatalf("LoadConfigFile = %v, want a *MissingConfigError for %s", err, path)
				}
				// The default file may not exist yet: LoadConfig, and
				// LoadConfigFile of a file not named, still read it as
				// empty.
				if cfg, err := LoadConfig(path); err != nil || !reflect.DeepEqual(cfg, &Config{File: path}) {
					t.Errorf("LoadConfig of a missing file = %+v, %v; want an empty config", cfg, err)
				}
				if cfg, err := LoadConfigFile(path, false); err != nil || !reflect.DeepEqual(cfg, &Config{File: path}) {
					t.Errorf("LoadConfigFile(not named) of a missing file = %+v, %v; want an empty config", cfg, err)
				}
			case tt.wantErr:
				if err == nil || errors.As(err, &missing) {
					t.Fatalf("LoadConfigFile = %v, want the file's own error", err)
				}
			default:
				if err != nil || cfg.DefaultDest != tt.wantDefault {
					t.Fatalf("LoadConfigFile = %+v, %v; want default_dest %q", cfg, err, tt.wantDefault)
				}
			}
		})
	}
}

func TestDestChoice(t *testing.T) {
	tests := []struct {
		name         string
		choice       DestChoice
		wantDefault  string
		wantJobDests []string
		wantReplaced []string
		wantUnknown  bool
	}{
		{name: "default", choice: DestChoice{Default: true}, wantDefault: "usb:NEW", wantJobDests: []string{"folder:/srv/b"}},
		{name: "job", choice: DestChoice{Job: "nightly"}, wantDefault: "downloads", wantJobDests: []string{"usb:NEW"}, wantReplaced: []string{"folder:/srv/b"}},
		{name: "both", choice: DestChoice{Default: true, Job: "nightly"}, wantDefault: "usb:NEW", wantJobDests: []string{"usb:NEW"}, wantReplaced: []string{"folder:/srv/b"}},
		{name: "unknown job", choice: DestChoice{Job: "weekly"}, wantUnknown: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, nightlyConfig)
			checkErr := tt.choice.Check(path)
			replaced, err := tt.choice.Save(path, "usb:NEW")
			if tt.wantUnknown {
				for _, err := range []error{checkErr, err} {
					if !errors.Is(err, ErrUnknownJob) {
						t.Errorf("Check and Save = %v, want an *UnknownJobError", err)
					}
				}
				if data, _ := os.ReadFile(path); string(data) != nightlyConfig {
					t.Errorf("a refused choice changed the file:\n%s", data)
				}
				return
			}
			if checkErr != nil || err != nil || !reflect.DeepEqual(replaced, tt.wantReplaced) {
				t.Fatalf("Check = %v; Save = %q, %v; want %q", checkErr, replaced, err, tt.wantReplaced)
			}
			cfg, err := LoadConfig(path)
			if err != nil {
				t.Fatal(err)
			}
			j, _ := cfg.Job("nightly")
			if cfg.DefaultDest != tt.wantDefault || !reflect.DeepEqual(cfg.DestsFor(j), tt.wantJobDests) {
				t.Errorf("saved default_dest %q, job's dests %q; want %q, %q", cfg.DefaultDest, cfg.DestsFor(j), tt.wantDefault, tt.wantJobDests)
			}
		})
	}
}

// TestDestChoiceSaveReadsAfresh: what was written to the file between
// Check and Save (while the picker was open) is kept.
func TestDestChoiceSaveReadsAfresh(t *testing.T) {
	path := writeConfig(t, nightlyConfig)
	choice := DestChoice{Default: true}
	if err := choice.Check(path); err != nil {
		t.Fatal(err)
	}
	edited := nightlyConfig + "\n[[job]]\nname = \"weekly\"\nsource = \"/data/cake\"\ncron = \"@weekly\"\npassword_keyring = true\n"
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := choice.Save(path, "usb:NEW"); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg.Job("weekly"); !ok || cfg.DefaultDest != "usb:NEW" {
		t.Errorf("after Save: default_dest %q, jobs %+v; want usb:NEW and the job added meanwhile", cfg.DefaultDest, cfg.Jobs)
	}
}
