package schedule

import (
	"errors"
	"reflect"
	"slices"
	"testing"
)

// TestConfigSelect: a run keeps the jobs named, in the order named, or
// all; an unknown name is refused after the config file's name, keeping
// nothing, and a config without jobs says so, before an unknown name of
// a job to run now.
func TestConfigSelect(t *testing.T) {
	jobs := []Job{{Name: "a"}, {Name: "b"}, {Name: "c"}}
	tests := []struct {
		name  string
		jobs  []Job
		names []string
		now   []string
		want  []string // the jobs kept
		err   string
	}{
		{name: "all", jobs: jobs, want: []string{"a", "b", "c"}},
		{name: "named, in order", jobs: jobs, names: []string{"c", "a"}, want: []string{"c", "a"}},
		{name: "unknown", jobs: jobs, names: []string{"a", "x"}, want: []string{"a", "b", "c"}, err: `/srv/c.toml: no job "x" (jobs: a, b, c)`},
		{name: "none", err: "no jobs in /srv/c.toml"},
		{name: "none, named", names: []string{"a"}, err: `/srv/c.toml: no job "a" (there are no jobs yet)`},
		{name: "to run now", jobs: jobs, now: []string{"b"}, want: []string{"a", "b", "c"}},
		{name: "to run now, unknown", jobs: jobs, now: []string{"b", "y"}, want: []string{"a", "b", "c"},
			err: `/srv/c.toml: no job "y" (jobs: a, b, c)`},
		{name: "to run now, none", now: []string{"b"}, err: "no jobs in /srv/c.toml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Config{File: "/srv/c.toml", Jobs: slices.Clone(tt.jobs)}
			err := c.Select(tt.names, tt.now...)
			if got := errText(err); got != tt.err {
				t.Errorf("error %q, want %q", got, tt.err)
			}
			var kept []string
			for _, j := range c.Jobs {
				kept = append(kept, j.Name)
			}
			if !slices.Equal(kept, tt.want) {
				t.Errorf("kept %v, want %v", kept, tt.want)
			}
		})
	}
	if err := (&Config{File: "f"}).Select(nil); !errors.As(err, new(*NoJobsError)) {
		t.Errorf("Select of no jobs: %v, want a *NoJobsError", err)
	}
	if err := (&Config{File: "f", Jobs: jobs}).Select([]string{"x"}); !errors.As(err, new(*UnknownJobError)) {
		t.Errorf("Select of an unknown job: %v, want an *UnknownJobError", err)
	}
}

// TestConfigDestination: a backup that names no destination goes to the
// saved default, else to Downloads.
func TestConfigDestination(t *testing.T) {
	for _, tt := range []struct{ saved, want string }{
		{"", "downloads"},
		{"usb:WALLETS", "usb:WALLETS"},
	} {
		if got := (&Config{DefaultDest: tt.saved}).Destination(); got != tt.want {
			t.Errorf("Destination with default_dest %q = %q, want %q", tt.saved, got, tt.want)
		}
	}
}

// TestJobWithDests: one destination is a job's dest, more its dests, in
// place of what it had; none leaves what it had.
func TestJobWithDests(t *testing.T) {
	one := Job{Name: "n", Dest: "usb"}
	two := Job{Name: "n", Dests: []string{"usb", "downloads"}}
	for _, tt := range []struct {
		name  string
		from  Job
		dests []string
		want  Job
	}{
		{"none", one, nil, one},
		{"one", one, []string{"downloads"}, Job{Name: "n", Dest: "downloads"}},
		{"two", one, []string{"downloads", "usb"}, Job{Name: "n", Dests: []string{"downloads", "usb"}}},
		{"one over two", two, []string{"usb"}, Job{Name: "n", Dest: "usb"}},
	} {
		if got := tt.from.WithDests(tt.dests); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// errText is err's message, "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
