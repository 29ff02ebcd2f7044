package schedule

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Config is the schedule config file: the user's default destination and
// the scheduled jobs. It is TOML:
//
//	default_dest = "usb:WALLETS"
//
//	[[job]]
//	name = "nightly"
//	source = "/home/ana/.local/share/cake_wallet"
//	dest = "proton:/Backups/Cake"
//	every = "24h"            # or: cron = "30 2 * * *"
//	for_app = "Monero.com"   # default: "Cake Wallet"
//	password_keyring = true  # or: password_file = "/path" / password_env = "VAR"
//	keep_daily = 7
//	keep_weekly = 4
type Config struct {
	// DefaultDest is the --dest spec used when none is given, on the
	// command line or in a job. Empty means none was chosen.
	DefaultDest string `toml:"default_dest,omitempty" json:"default_dest,omitempty"`
	// Alerts at the top level apply to every job that does not set the
	// same key itself.
	Alerts
	// Jobs are the scheduled backups, in file order.
	Jobs []Job `toml:"job,omitempty" json:"jobs"`
	// File is the file LoadConfig read the config from (or would have:
	// the default file may not exist yet); it is not part of the file.
	// Its jobs' state is kept apart from other config files' (see
	// Paths.ForConfig).
	File string `toml:"-" json:"-"`
}

// Job is one scheduled backup.
type Job struct {
	// Name identifies the job; letters, digits, '_' and '-' only. It is
	// part of every backup's name, which is how retention finds them.
	Name string `toml:"name" json:"name"`
	// Source is the wallet app's data folder. A watch job has none.
	Source string `toml:"source,omitempty" json:"source,omitempty"`
	// Watch, instead of Source, makes this a watch job: each run ships
	// the wallet app's new exports found in this folder, unchanged, to
	// the job's destinations (see package inbox). It is an absolute path
	// or "downloads", the user's Downloads folder found when the job runs.
	Watch string `toml:"watch,omitempty" json:"watch,omitempty"`
	// RemoveAfterSend, for a watch job, deletes an export from the
	// watched folder once every destination holds a verified copy.
	RemoveAfterSend bool `toml:"remove_after_send,omitempty" json:"remove_after_send,omitempty"`
	// Settings is an optional settings JSON file to include.
	Settings string `toml:"settings,omitempty" json:"settings,omitempty"`
	// ForApp is the app the job's backups are for, which their README.txt
	// names (see job.TargetApps; any case); "" means the first, Cake
	// Wallet. A watch job ships the app's exports unchanged: it has none.
	ForApp string `toml:"for_app,omitempty" json:"for_app,omitempty"`
	// Dest is the --dest spec; empty means the config's DefaultDest.
	Dest string `toml:"dest,omitempty" json:"dest,omitempty"`
	// Dests, instead of Dest, are several --dest specs: each run stores
	// its backup at every one, and retention applies at each.
	Dests []string `toml:"dests,omitempty" json:"dests,omitempty"`
	// Every is an interval such as "24h"; exactly one of Every and Cron is
	// set.
	Every string `toml:"every,omitempty" json:"every,omitempty"`
	// Cron is a five-field cron expression such as "30 2 * * *", or a
	// descriptor such as "@daily".
	Cron string `toml:"cron,omitempty" json:"cron,omitempty"`
	// PasswordFile, PasswordKeyring and PasswordEnv say where the backup
	// password comes from; exactly one is set. A file must be mode 0600
	// or 0400.
	PasswordFile    string `toml:"password_file,omitempty" json:"password_file,omitempty"`
	PasswordKeyring bool   `toml:"password_keyring,omitempty" json:"password_keyring,omitempty"`
	PasswordEnv     string `toml:"password_env,omitempty" json:"password_env,omitempty"`
	// Retention says which of this job's older backups to keep.
	Retention
	// Alerts say when the job is overdue and whom to tell.
	Alerts
	// CheckSubset, such as "1/7", makes each run also check the job's
	// destinations: every backup's size and identity, and a full read of
	// the next of T groups (so T runs read everything).
	CheckSubset string `toml:"check_subset,omitempty" json:"check_subset,omitempty"`
}

// WatchDownloads as a job's Watch folder means the user's Downloads
// folder, wherever it is found when the job runs.
const WatchDownloads = "downloads"

// Retention is a restic-style keep policy. A backup is kept when any rule
// keeps it; when no rule is set, every backup is kept.
type Retention struct {
	// KeepLast keeps the newest N backups.
	KeepLast int `toml:"keep_last,omitempty" json:"keep_last,omitempty"`
	// KeepDaily keeps the newest backup of each of the last N days that
	// have one; KeepWeekly, KeepMonthly likewise for ISO weeks and months.
	KeepDaily   int `toml:"keep_daily,omitempty" json:"keep_daily,omitempty"`
	KeepWeekly  int `toml:"keep_weekly,omitempty" json:"keep_weekly,omitempty"`
	KeepMonthly int `toml:"keep_monthly,omitempty" json:"keep_monthly,omitempty"`
}

// HasPasswordSource reports whether the job names where its password
// comes from.
func (j Job) HasPasswordSource() bool {
	return j.PasswordFile != "" || j.PasswordKeyring || j.PasswordEnv != ""
}

// Empty reports whether no rule is set (keep everything).
func (r Retention) Empty() bool {
	return r.KeepLast == 0 && r.KeepDaily == 0 && r.KeepWeekly == 0 && r.KeepMonthly == 0
}

// Job returns the job called name.
func (c *Config) Job(name string) (Job, bool) {
	for _, j := range c.Jobs {
		if j.Name == name {
			return j, true
		}
	}
	return Job{}, false
}

// Find returns the job called name, or an *UnknownJobError naming the
// jobs there are.
func (c *Config) Find(name string) (Job, error) {
	if j, ok := c.Job(name); ok {
		return j, nil
	}
	known := make([]string, len(c.Jobs))
	for i, j := range c.Jobs {
		known[i] = j.Name
	}
	return Job{}, &UnknownJobError{Name: name, Known: known}
}

// Named returns the jobs called names, in that order, or an
// *UnknownJobError for the first name the config does not hold: a
// front end running some of the config's jobs refuses a mistyped one
// rather than run the others alone.
func (c *Config) Named(names []string) ([]Job, error) {
	jobs := make([]Job, 0, len(names))
	for _, n := range names {
		j, err := c.Find(n)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	return jobs, nil
}

// Select keeps, for a run, c's jobs called names, in that order, or all
// of them when names is empty. A name c does not hold is an
// *UnknownJobError (after c's File), and nothing is kept; a config left
// without jobs is a *NoJobsError. The jobs now names, to run at once
// (Scheduler.RunNow), must be among those kept, or their first unknown
// name is an *UnknownJobError too: a mistyped name is refused before
// anything runs.
func (c *Config) Select(names []string, now ...string) error {
	if len(names) > 0 {
		jobs, err := c.Named(names)
		if err != nil {
			return fmt.Errorf("%s: %w", c.File, err)
		}
		c.Jobs = jobs
	}
	if len(c.Jobs) == 0 {
		return &NoJobsError{File: c.File}
	}
	if _, err := c.Named(now); err != nil {
		return fmt.Errorf("%s: %w", c.File, err)
	}
	return nil
}

// NoJobsError is Select's of a config file without jobs: a run would
// have nothing to do.
type NoJobsError struct{ File string }

// Error names the config file.
func (e *NoJobsError) Error() string { return "no jobs in " + e.File }

// WithDests is j with dests as its destinations, in the config file's
// form: one is its dest, more are its dests; none leaves j's as they are.
func (j Job) WithDests(dests []string) Job {
	switch {
	case len(dests) == 1:
		j.Dest, j.Dests = dests[0], nil
	case len(dests) > 1:
		j.Dest, j.Dests = "", dests
	}
	return j
}

// SetDest makes spec the one destination of the job called name, in
// place of its dest or dests, and returns the ones it replaced (nil when
// the job used the config's default_dest). An unknown name is an
// *UnknownJobError.
func (c *Config) SetDest(name, spec string) (replaced []string, err error) {
	for i := range c.Jobs {
		j := &c.Jobs[i]
		if j.Name != name {
			continue
		}
		switch {
		case len(j.Dests) > 0:
			replaced = j.Dests
		case j.Dest != "":
			replaced = []string{j.Dest}
		}
		j.Dest, j.Dests = spec, nil
		return replaced, nil
	}
	_, err = c.Find(name)
	return nil, err
}

// UnknownJobError is a job name that a config does not hold. It wraps
// ErrUnknownJob.
type UnknownJobError struct {
	Name  string
	Known []string // the names of the config's jobs, in order
}

func (e *UnknownJobError) Error() string {
	if len(e.Known) == 0 {
		return fmt.Sprintf("no job %q (there are no jobs yet)", e.Name)
	}
	return fmt.Sprintf("no job %q (jobs: %s)", e.Name, strings.Join(e.Known, ", "))
}

func (e *UnknownJobError) Unwrap() error { return ErrUnknownJob }

// MarshalJSON is c as JSON, as `schedule list --json` prints it: its
// jobs are [] when it has none, never null.
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config // without this method
	p := plain(c)
	if p.Jobs == nil {
		p.Jobs = []Job{}
	}
	return json.Marshal(p)
}

// DestsFor returns the destination specs job writes to: its own, or else
// the config's default; none when neither is set.
func (c *Config) DestsFor(job Job) []string {
	switch {
	case len(job.Dests) > 0:
		return job.Dests
	case job.Dest != "":
		return []string{job.Dest}
	case c.DefaultDest != "":
		return []string{c.DefaultDest}
	}
	return nil
}

// LoadConfig reads and validates the config file at path. A file that does
// not exist yet is an empty config, not an error; one that cannot be read,
// or is no regular file, is a *ConfigFileError. Errors name the file, the
// line and the field at fault.
func LoadConfig(path string) (*Config, error) {
	data, found, err := readConfigFile(path)
	if err != nil {
		return nil, err
	}
	if !found {
		return &Config{File: path}, nil
	}
	c, err := parseConfig(path, data)
	if err != nil {
		return nil, err
	}
	c.File = path
	return c, nil
}

// parseConfig decodes and validates data, read from path.
func parseConfig(path string, data []byte) (*Config, error) {
	var c Config
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			where := path
			if pe.Position.Line > 0 {
				where = fmt.Sprintf("%s:%d", path, pe.Position.Line)
			}
			if pe.LastKey != "" {
				return nil, fmt.Errorf("%s: %s: %s", where, pe.LastKey, hideSecretValue(pe.LastKey, pe.Message))
			}
			return nil, fmt.Errorf("%s: %s", where, pe.Message)
		}
		// Type mismatches come as "toml: line N (last key "K"): msg".
		tomlLineError := regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)
		if m := tomlLineError.FindStringSubmatch(err.Error()); m != nil {
			return nil, fmt.Errorf("%s:%s: %s: %s", path, m[1], m[2], m[3])
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	lines := newKeyLines(data)
	if und := md.Undecoded(); len(und) > 0 {
		// The metadata does not say which [[job]] an unknown key sits in;
		// its first occurrence is reported.
		return nil, lines.unknown(path, und[0], c.Jobs)
	}
	if err := c.validate(); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			fe.Path = path
			fe.Line = lines.find(fe.job, fe.key)
		}
		return nil, err
	}
	return &c, nil
}

// hideSecretValue is msg, the parser's message about the value of key,
// with the values it quotes replaced when key is for a password: a
// password written into the config unquoted would be printed, and a
// timer's run logged it.
func hideSecretValue(key, msg string) string {
	k := strings.ToLower(key[strings.LastIndex(key, ".")+1:])
	if !strings.Contains(k, "pass") && !strings.Contains(k, "secret") && !strings.Contains(k, "token") {
		return msg
	}
	// A value as the parser's messages quote it.
	quoted := regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'[^']*'`)
	return quoted.ReplaceAllString(msg, "a value not shown")
}

// Save validates c and writes it to path atomically (a temporary file in
// the same folder, synced, then renamed), mode 0600. The folder is created
// (0700) when missing.
func (c *Config) Save(path string) error {
	if err := c.validate(); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			fe.Path = path
		}
		return fmt.Errorf("not saving config: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString("# cakebackup schedule config; edit with `cakebackup schedule add/remove`.\n")
	if err := toml.NewEncoder(&buf).Encode(c); err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	if err := WriteFileAtomic(path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("save config: %w", err)
	}
	return nil
}

// FieldError is a config value that is wrong, with where it is.
type FieldError struct {
	Path  string // config file
	Line  int    // 1-based; 0 when unknown
	Field string // e.g. "job[2].every" or "default_dest"
	Msg   string

	job int    // index of the job, -1 for top level
	key string // TOML key within the job or top level
}

// Error returns "FILE:LINE: FIELD: MESSAGE" on one line.
func (e *FieldError) Error() string {
	where := e.Path
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", e.Path, e.Line)
	}
	if where == "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", where, e.Field, e.Msg)
}

// keyLines locates "key = value" lines and table headers in a TOML
// file, by [[job]] table. Lines inside a multi-line string are not read
// as keys or headers.
type keyLines struct {
	top     map[string]int
	jobs    []map[string]int // per [[job]]: key -> line; "" -> header line
	headers map[string]int   // "[x]" or "[[x]]" header -> its first line
}

func newKeyLines(data []byte) keyLines {
	kl := keyLines{top: map[string]int{}, headers: map[string]int{}}
	cur := kl.top
	closing := "" // the delimiter that ends the multi-line string we are in
	for i, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		if closing != "" {
			if strings.Count(line, closing)%2 == 1 {
				closing = ""
			}
			continue
		}
		switch {
		case strings.HasPrefix(line, "["):
			name := strings.TrimSpace(strings.Trim(strings.SplitN(line, "#", 2)[0], "[] \t"))
			name = strings.Join(strings.Fields(strings.ReplaceAll(name, " . ", ".")), "")
			if _, seen := kl.headers[name]; !seen {
				kl.headers[name] = i + 1
			}
			switch {
			case strings.HasPrefix(line, "[[") && name == "job":
				cur = map[string]int{"": i + 1}
				kl.jobs = append(kl.jobs, cur)
			default:
				cur = map[string]int{}
			}
		default:
			key, value, ok := strings.Cut(line, "=")
			if !ok || strings.HasPrefix(line, "#") {
				continue
			}
			key = strings.Trim(strings.TrimSpace(key), `"'`)
			if _, seen := cur[key]; !seen {
				cur[key] = i + 1
			}
			for _, delim := range []string{`"""`, "'''"} {
				if strings.Count(value, delim)%2 == 1 {
					closing = delim
					break
				}
			}
		}
	}
	return kl
}

// find returns the line of key in job (or at top level when job < 0 and
// the key is not a job key), falling back to the job's header line.
func (kl keyLines) find(job int, key string) int {
	if job < 0 {
		if l, ok := kl.top[key]; ok {
			return l
		}
		for _, m := range kl.jobs {
			if l, ok := m[key]; ok {
				return l
			}
		}
		return 0
	}
	if job >= len(kl.jobs) {
		return 0
	}
	if l, ok := kl.jobs[job][key]; ok {
		return l
	}
	return kl.jobs[job][""]
}

// unknown is the error of a key the config does not have, where it is: a
// key of a job (in the first job holding it, named), a top-level key, or
// a table (such as [[jobs]] for [[job]]) at its header.
func (kl keyLines) unknown(path string, k toml.Key, jobs []Job) *FieldError {
	fe := &FieldError{Path: path, Field: k.String(), Msg: "unknown field"}
	if len(k) == 2 && k[0] == "job" {
		for i, m := range kl.jobs {
			if l, ok := m[k[1]]; ok {
				fe.Line = l
				if i < len(jobs) && jobs[i].Name != "" {
					fe.Field = fmt.Sprintf("job %q: %s", jobs[i].Name, k[1])
				}
				return fe
			}
		}
	}
	if l, ok := kl.headers[k.String()]; ok {
		fe.Line = l
		return fe
	}
	if len(k) == 1 {
		fe.Line = kl.top[k[0]]
	}
	return fe
}

// WriteFileAtomic writes data to path through a synced temporary file in
// the same folder and a rename, so readers see the old or the new file,
// never a part. It first removes what writes of path killed before their
// rename left (removeStaleTemps).
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	prefix := "." + filepath.Base(path) + ".tmp-"
	removeStaleTemps(dir, prefix)
	f, err := os.CreateTemp(dir, prefix+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// staleTempAge is how old a temporary file of WriteFileAtomic must be to
// be a killed write's: a write of a few kilobytes takes far less.
const staleTempAge = 10 * time.Minute

// removeStaleTemps removes the files in dir named prefix+... that are
// older than staleTempAge: temporary files of writes killed (kill -9, a
// power cut) before their rename, which nothing else removes. A younger
// one may be another process's write under way and stays. Failures are
// left for the next write.
func removeStaleTemps(dir, prefix string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTempAge {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
