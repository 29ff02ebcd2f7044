package schedule

import (
	"bytes"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestStateForMigrates: the first time a config other than the default
// one has its state read, the records in the shared state.json of its
// jobs that no job of the default config shares a name with move to its
// own state file; the default config's records stay, and so does a
// record both configs' jobs could have made.
func TestStateForMigrates(t *testing.T) {
	at := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	rec := func(where string) JobState {
		return JobState{LastStart: at, LastEnd: at, LastResult: ResultOK, LastSuccess: at, LastBackup: where, LastSize: 3}
	}
	job := func(name string) Job {
		return Job{Name: name, Source: "/data/cake", Dest: "folder:/srv/b", Every: "24h", PasswordEnv: "PW"}
	}
	shared := map[string]JobState{"nightly": rec("/srv/a/n"), "weekly": rec("/srv/b/w"), "old": rec("/srv/c/o")}
	tests := []struct {
		name string
		// defaultJobs is the default config's jobs; nil: no default
		// config file. damagedDefault: a default config that does not
		// load.
		defaultJobs    []Job
		damagedDefault bool
		state          map[string]JobState // state.json; nil: none
		otherExists    bool                // the other config's state file is there already
		wantOwn        map[string]JobState // nil: no file
		wantShared     map[string]JobState
		wantLog        string
	}{
		{"takes its own, leaves the shared name", []Job{job("nightly")}, false, shared, false,
			map[string]JobState{"weekly": rec("/srv/b/w")},
			map[string]JobState{"nightly": rec("/srv/a/n"), "old": rec("/srv/c/o")}, "jobs=[weekly]"},
		{"no default config file", nil, false, shared, false,
			map[string]JobState{"nightly": rec("/srv/a/n"), "weekly": rec("/srv/b/w")},
			map[string]JobState{"old": rec("/srv/c/o")}, "jobs=\"[nightly weekly]\""},
		{"nothing to take", []Job{job("nightly"), job("weekly")}, false, shared, false, nil, shared, ""},
		{"no shared state file", []Job{job("nightly")}, false, nil, false, nil, nil, ""},
		{"its own state file is there", nil, false, shared, true, map[string]JobState{}, shared, ""},
		{"default config damaged", nil, true, shared, false, nil, shared, "cannot take this config's last runs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := Paths{Config: filepath.Join(dir, "config.toml"), State: filepath.Join(dir, "state", "state.json"), Locks: filepath.Join(dir, "state", "locks")}
			if tt.defaultJobs != nil {
				if err := (&Config{Jobs: tt.defaultJobs}).Save(p.Config); err != nil {
					t.Fatal(err)
				}
			}
			if tt.damagedDefault {
				if err := os.WriteFile(p.Config, []byte("[[job]\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if tt.state != nil {
				if err := os.MkdirAll(filepath.Dir(p.State), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := writeState(p.State, &State{Jobs: tt.state}); err != nil {
					t.Fatal(err)
				}
			}
			other := filepath.Join(dir, "b.toml")
			if err := (&Config{Jobs: []Job{job("nightly"), job("weekly")}}).Save(other); err != nil {
				t.Fatal(err)
			}
			own := p.ForConfig(other).State
			if tt.otherExists {
				if err := writeState(own, &State{Jobs: map[string]JobState{}}); err != nil {
					t.Fatal(err)
				}
			}
			var log bytes.Buffer
			store := p.StateFor(other, slog.New(slog.NewTextHandler(&log, nil)))
			if store.Path != own {
				t.Fatalf("StateFor = %s, want %s", store.Path, own)
			}
			for _, f := range []struct {
				path string
				want map[string]JobState
			}{{own, tt.wantOwn}, {p.State, tt.wantShared}} {
				_, err := os.Stat(f.path)
				if f.want == nil {
					if !os.IsNotExist(err) {
						t.Errorf("%s: %v, want no file", f.path, err)
					}
					continue
				}
				got, err := StateStore{Path: f.path}.Load()
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got.Jobs, f.want) {
					t.Errorf("%s holds %v, want %v", filepath.Base(f.path), slices.Sorted(maps.Keys(got.Jobs)), slices.Sorted(maps.Keys(f.want)))
				}
				if fi, err := os.Stat(f.path); err == nil && fi.Mode().Perm() != 0o600 {
					t.Errorf("%s: mode %v, want 0600", f.path, fi.Mode().Perm())
				}
			}
			if tt.wantLog == "" && log.Len() > 0 || !strings.Contains(log.String(), tt.wantLog) {
				t.Errorf("log = %q, want %q", log.String(), tt.wantLog)
			}
			// Once: a record made in the shared file later is the
			// default config's, never taken.
			if tt.wantOwn != nil && tt.state != nil {
				if err := (StateStore{Path: p.State}).Record("weekly", rec("/srv/a/w")); err != nil {
					t.Fatal(err)
				}
				p.StateFor(other, nil)
				if got, _ := (StateStore{Path: p.State}).Job("weekly"); got.LastBackup != "/srv/a/w" {
					t.Errorf("a second StateFor took the shared file's new record: %+v", got)
				}
			}
			// The default config's store is state.json, untouched.
			if got := p.StateFor(p.Config, nil).Path; got != p.State {
				t.Errorf("the default config's state is %s", got)
			}
		})
	}
}
