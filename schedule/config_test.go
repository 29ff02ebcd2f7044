package schedule

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestConfigSaveLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "config.toml")
	want := &Config{
		DefaultDest: "usb:WALLETS",
		Jobs: []Job{
			{Name: "nightly", Source: "/data/cake", Dest: "folder:/srv/b", Every: "24h", PasswordFile: "/etc/pw",
				Retention: Retention{KeepLast: 3, KeepDaily: 7, KeepWeekly: 4, KeepMonthly: 12}},
			{Name: "proton-weekly", Source: "/data/cake", Settings: "/data/s.json", Cron: "30 2 * * 0", PasswordKeyring: true},
			{Name: "env_job", Source: "/data/cake", Every: "90m", PasswordEnv: "CAKE_PW"},
		},
	}
	if err := want.Save(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("config mode = %v, want 0600", fi.Mode().Perm())
	}
	got, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.File != path {
		t.Errorf("File = %q, want %q", got.File, path)
	}
	want.File = path
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
	// Saving again replaces the file and leaves no temporary file.
	got.DefaultDest = "downloads"
	if err := got.Save(path); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("folder holds %d entries after two saves, want 1", len(entries))
	}
	again, err := LoadConfig(path)
	if err != nil || again.DefaultDest != "downloads" {
		t.Fatalf("after second save: %+v, %v", again, err)
	}
}

func TestConfigMissingFileIsEmpty(t *testing.T) {
	c, err := LoadConfig(filepath.Join(t.TempDir(), "none.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.DefaultDest != "" || len(c.Jobs) != 0 {
		t.Fatalf("missing file gave %+v", c)
	}
	// The folder picker's use: set the default destination on a fresh config.
	path := filepath.Join(t.TempDir(), "c.toml")
	c.DefaultDest = "folder:/media/x"
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	c2, err := LoadConfig(path)
	if err != nil || c2.DefaultDest != "folder:/media/x" {
		t.Fatalf("got %+v, %v", c2, err)
	}
}

func TestConfigSaveRefusesInvalid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.toml")
	c := &Config{Jobs: []Job{{Name: "bad name", Source: "/x", Dest: "downloads", Every: "1h", PasswordEnv: "P"}}}
	if err := c.Save(path); err == nil {
		t.Fatal("saved an invalid config")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("invalid config left a file: %v", err)
	}
}

func TestConfigValidationNamesLineAndField(t *testing.T) {
	const good = `default_dest = "downloads"

[[job]]
name = "a"
source = "/data"
every = "24h"
password_env = "PW"
`
	tests := []struct {
		name     string
		text     string
		wantLine string // "c.toml:N"
		wantIn   string
	}{
		{"bad interval", good + "\n[[job]]\nname = \"b\"\nsource = \"/d\"\nevery = \"soon\"\npassword_env = \"PW\"\n", "c.toml:12", `job "b": every`},
		{"short interval", strings.Replace(good, `"24h"`, `"5s"`, 1), "c.toml:6", "shorter than"},
		{"bad cron", strings.Replace(good, `every = "24h"`, `cron = "61 * * * *"`, 1), "c.toml:6", `job "a": cron`},
		{"both timings", strings.Replace(good, `every = "24h"`, "every = \"24h\"\ncron = \"@daily\"", 1), "c.toml:7", "not both"},
		{"no timing", strings.Replace(good, `every = "24h"`, "", 1), "c.toml:3", "every"},
		{"bad name", strings.Replace(good, `name = "a"`, `name = "a b"`, 1), "c.toml:4", "letters, digits"},
		{"relative folder dest", good + "dest = \"folder:backups\"\n", "c.toml:8", "absolute"},
		{"relative source", strings.Replace(good, `"/data"`, `"data"`, 1), "c.toml:5", "absolute"},
		{"no password", strings.Replace(good, `password_env = "PW"`, "", 1), "c.toml:3", "no password source"},
		{"two passwords", good + "password_keyring = true\n", "c.toml:", "only one"},
		{"bad dest", good + "dest = \"ftp server\"\n", "c.toml:8", "dest"},
		{"no dest", strings.Replace(good, `default_dest = "downloads"`, "", 1), "c.toml:3", "no default_dest"},
		{"negative keep", good + "keep_daily = -1\n", "c.toml:8", "keep_daily"},
		{"dest twice", good + "dests = [\"folder:/srv/b\", \"/srv/b\"]\n", "c.toml:8", "given twice"},
		{"dest twice, slash", good + "dests = [\"folder:/srv/b\", \"folder:/srv/b/\"]\n", "c.toml:8", "given twice"},
		{"dest twice, dot", good + "dests = [\"folder:/srv/./b\", \"/srv/b\"]\n", "c.toml:8", "given twice"},
		{"unknown field", good + "keep_dayly = 3\n", "c.toml:8", "unknown field"},
		{"unknown app", good + "for_app = \"Mycelium\"\n", "c.toml:8", `for_app: unknown app "Mycelium"`},
		{"app of a watch job", strings.Replace(good, `source = "/data"`, `watch = "downloads"`, 1) + "for_app = \"monero.com\"\n", "c.toml:8", "for_app"},
		{"duplicate", good + "\n" + good[strings.Index(good, "[[job]]"):], "c.toml:10", "already defined"},
		{"wrong type", strings.Replace(good, `"24h"`, `24`, 1), "c.toml:6", "every"},
		{"syntax", good + "name = \n", "c.toml:8", ""},
		// A top-level key in a later job is that job's, at its line.
		{"top-level key in the second job", good + "\n[[job]]\nname = \"b\"\nsource = \"/d\"\nevery = \"1h\"\npassword_env = \"PW\"\ndefault_dest = \"usb\"\n",
			"c.toml:14:", `job "b": default_dest: unknown field`},
		{"unknown field in the second job", good + "\n[[job]]\nname = \"b\"\nkeep_dayly = 3\n", "c.toml:11:", `job "b": keep_dayly`},
		{"[[jobs]] for [[job]]", strings.Replace(good, "[[job]]", "[[jobs]]", 1), "c.toml:3:", "jobs: unknown field"},
		{"a table in a job", good + "[job.x]\ny = 1\n", "c.toml:8:", "job.x: unknown field"},
		// A multi-line string holding what looks like keys and a header.
		{"multi-line hook", strings.Replace(good, "password_env = \"PW\"", "password_env = \"PW\"\non_failure = \"\"\"\nevery = 5\n[[job]]\n\"\"\"", 1) +
			"\n[[job]]\nname = \"b\"\nsource = \"/d\"\nevery = \"soon\"\npassword_env = \"PW\"\n", "c.toml:16:", `job "b": every`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.toml")
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadConfig(path)
			if err == nil {
				t.Fatal("invalid config loaded without error")
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("error spans lines: %q", msg)
			}
			if !strings.Contains(msg, tt.wantLine) || !strings.Contains(msg, tt.wantIn) {
				t.Errorf("error %q, want it to contain %q and %q", msg, tt.wantLine, tt.wantIn)
			}
		})
	}
	path := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(path, []byte(good), 0o600)
	if _, err := LoadConfig(path); err != nil {
		t.Fatalf("good config: %v", err)
	}
}

func TestValidateJobNameAndEnvName(t *testing.T) {
	for name, ok := range map[string]bool{
		"nightly": true, "usb-weekly_2": true, strings.Repeat("a", 64): true,
		"": false, "a b": false, "../x": false, "a.b": false, "é": false, strings.Repeat("a", 65): false,
	} {
		if err := ValidateJobName(name); (err == nil) != ok {
			t.Errorf("ValidateJobName(%q) = %v, want ok %v", name, err, ok)
		}
	}
	for name, ok := range map[string]bool{"CAKE_PW": true, "_x1": true, "": false, "1X": false, "A-B": false, "A B": false} {
		if isEnvName(name) != ok {
			t.Errorf("isEnvName(%q) != %v", name, ok)
		}
	}
}

func TestSetDest(t *testing.T) {
	jobs := func() *Config {
		return &Config{DefaultDest: "downloads", Jobs: []Job{
			{Name: "one", Dest: "folder:/a"},
			{Name: "many", Dests: []string{"folder:/a", "usb:STICK"}},
			{Name: "default"},
		}}
	}
	tests := []struct {
		job          string
		wantReplaced []string
		wantErr      string
	}{
		{"one", []string{"folder:/a"}, ""},
		{"many", []string{"folder:/a", "usb:STICK"}, ""},
		{"default", nil, ""},
		{"none", nil, `no job "none" (jobs: one, many, default)`},
	}
	for _, tt := range tests {
		t.Run(tt.job, func(t *testing.T) {
			c := jobs()
			replaced, err := c.SetDest(tt.job, "folder:/new")
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrUnknownJob) {
					t.Fatalf("SetDest = %v, want %q wrapping ErrUnknownJob", err, tt.wantErr)
				}
				if !reflect.DeepEqual(c, jobs()) {
					t.Errorf("a refused SetDest changed the config: %+v", c)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(replaced, tt.wantReplaced) {
				t.Fatalf("SetDest = %q, %v; want %q", replaced, err, tt.wantReplaced)
			}
			j, _ := c.Job(tt.job)
			if got := c.DestsFor(j); !reflect.DeepEqual(got, []string{"folder:/new"}) {
				t.Errorf("the job stores to %q after SetDest", got)
			}
			if j.Dests != nil {
				t.Errorf("dests left beside dest: %q", j.Dests)
			}
		})
	}
	if _, err := (&Config{}).Find("x"); err == nil || err.Error() != `no job "x" (there are no jobs yet)` {
		t.Errorf("Find in an empty config = %v", err)
	}
}

func TestNamed(t *testing.T) {
	cfg := &Config{Jobs: []Job{{Name: "one"}, {Name: "two"}, {Name: "three"}}}
	tests := []struct {
		names   []string
		want    []string
		wantErr string
	}{
		{names: []string{"three", "one"}, want: []string{"three", "one"}},
		{names: []string{"two"}, want: []string{"two"}},
		{names: nil, want: []string{}},
		{names: []string{"one", "four", "five"}, wantErr: `no job "four" (jobs: one, two, three)`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.names, ","), func(t *testing.T) {
			jobs, err := cfg.Named(tt.names)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrUnknownJob) || jobs != nil {
					t.Fatalf("Named = %v, %v; want %q wrapping ErrUnknownJob", jobs, err, tt.wantErr)
				}
				return
			}
			got := []string{}
			for _, j := range jobs {
				got = append(got, j.Name)
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Named = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestConfigJSON: schedule list --json's object is the config's own JSON,
// its jobs [] when it has none; File is not part of it.
func TestConfigJSON(t *testing.T) {
	tests := []struct {
		name string
		cfg  *Config
		want string
	}{
		{"empty", &Config{File: "/c.toml"}, `{"jobs":[]}`},
		{"default dest and a job", &Config{DefaultDest: "usb:W", Jobs: []Job{{Name: "n", Source: "/s", Every: "24h", Retention: Retention{KeepLast: 3}}}},
			`{"default_dest":"usb:W","jobs":[{"name":"n","source":"/s","every":"24h","keep_last":3}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.cfg)
			if err != nil || string(got) != tt.want {
				t.Errorf("JSON = %s, %v; want %s", got, err, tt.want)
			}
		})
	}
}

// TestAdd: a new job is appended once it validates, its app in the app's
// own spelling; a name the config holds, or a job that does not validate,
// leaves the config as it was.
func TestAdd(t *testing.T) {
	tests := []struct {
		name    string
		job     Job
		wantErr string
		wantApp string
	}{
		{"new", Job{Name: "new", Source: "/s", Every: "1h", PasswordEnv: "PW"}, "", ""},
		{"app spelled any case", Job{Name: "new", Source: "/s", Every: "1h", PasswordEnv: "PW", ForApp: "monero.COM"}, "", "Monero.com"},
		{"existing", Job{Name: "old", Source: "/s", Every: "1h", PasswordEnv: "PW"}, `job "old" already exists`, ""},
		{"invalid", Job{Name: "new", Source: "/s", PasswordEnv: "PW"}, "job new: ", ""},
		{"unknown app", Job{Name: "new", Source: "/s", Every: "1h", PasswordEnv: "PW", ForApp: "Nope"}, `job new: for_app: unknown app "Nope"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &Config{DefaultDest: "folder:/b", Jobs: []Job{{Name: "old", Source: "/o", Every: "1h", PasswordEnv: "PW"}}}
			err := cfg.Add(tt.job)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) || len(cfg.Jobs) != 1 {
					t.Fatalf("Add = %v, %d jobs; want %q..., 1 job", err, len(cfg.Jobs), tt.wantErr)
				}
				if tt.name == "existing" && !errors.As(err, new(*JobExistsError)) {
					t.Errorf("Add = %T, want a *JobExistsError", err)
				}
				return
			}
			if err != nil || len(cfg.Jobs) != 2 || cfg.Jobs[1].Name != "new" || cfg.Jobs[1].ForApp != tt.wantApp {
				t.Fatalf("Add = %v, jobs %+v; want job new for app %q appended", err, cfg.Jobs, tt.wantApp)
			}
		})
	}
}
