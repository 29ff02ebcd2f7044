package schedule

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/job"
)

// maxJobName bounds job names, which become parts of file names.
const maxJobName = 64

// ValidateJobName returns an error unless name is a valid job name: 1 to
// 64 ASCII letters, digits, '_' or '-'. It becomes part of backup file
// names, lock file names and systemd unit names.
func ValidateJobName(name string) error {
	ok := name != "" && len(name) <= maxJobName
	for _, r := range name {
		ok = ok && (isASCIIAlnum(r) || r == '_' || r == '-')
	}
	if !ok {
		return fmt.Errorf("job name %q: use 1 to %d letters, digits, '_' or '-'", name, maxJobName)
	}
	return nil
}

// isEnvName reports whether s is a portable environment variable name.
func isEnvName(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for _, r := range s {
		if !isASCIIAlnum(r) && r != '_' {
			return false
		}
	}
	return true
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// validate checks the whole config; the first problem is returned as a
// *FieldError without Path and Line, which the caller fills in.
func (c *Config) validate() error {
	if c.DefaultDest != "" {
		if _, err := destinations.ParseSpec(c.DefaultDest); err != nil {
			return &FieldError{Field: "default_dest", Msg: err.Error(), job: -1, key: "default_dest"}
		}
	}
	if key, msg := c.Alerts.validate(); key != "" {
		return &FieldError{Field: key, Msg: msg, job: -1, key: key}
	}
	seen := map[string]bool{}
	for i, j := range c.Jobs {
		if err := c.validateJob(j); err != nil {
			err.job = i
			if j.Name != "" {
				err.Field = fmt.Sprintf("job %q: %s", j.Name, err.key)
			} else {
				err.Field = fmt.Sprintf("job #%d: %s", i+1, err.key)
			}
			return err
		}
		if seen[j.Name] {
			return &FieldError{Field: fmt.Sprintf("job %q: name", j.Name), Msg: "a job of that name is already defined", job: i, key: "name"}
		}
		seen[j.Name] = true
	}
	return nil
}

// JobExistsError is Add's refusal of a job whose name the config already
// holds.
type JobExistsError struct{ Name string }

// Error names the job.
func (e *JobExistsError) Error() string { return fmt.Sprintf("job %q already exists", e.Name) }

// Add appends j to c's jobs once it passes ValidateJob (an error naming
// the job if not), its app (ForApp) saved in the app's own spelling. A
// job of the same name as one c holds is a *JobExistsError.
func (c *Config) Add(j Job) error {
	if _, dup := c.Job(j.Name); dup {
		return &JobExistsError{Name: j.Name}
	}
	if app, ok := job.TargetApp(j.ForApp); ok {
		j.ForApp = app
	}
	if err := c.ValidateJob(j); err != nil {
		return fmt.Errorf("job %s: %w", j.Name, err)
	}
	c.Jobs = append(c.Jobs, j)
	return nil
}

// ValidateJob checks one job as it would be checked in the config file c.
func (c *Config) ValidateJob(j Job) error {
	if err := c.validateJob(j); err != nil {
		return fmt.Errorf("%s: %s", err.key, err.Msg)
	}
	return nil
}

func (c *Config) validateJob(j Job) *FieldError {
	bad := func(key, format string, args ...any) *FieldError {
		return &FieldError{Msg: fmt.Sprintf(format, args...), key: key}
	}
	if j.Name == "" {
		return bad("name", "missing")
	}
	if err := ValidateJobName(j.Name); err != nil {
		return bad("name", "%v", err)
	}
	switch {
	case j.Watch != "" && j.Source != "":
		return bad("watch", "a watch job ships the app's exports: set either watch or source, not both")
	case j.Watch != "" && j.Settings != "":
		return bad("settings", "a watch job ships the app's exports unchanged: settings are only for a backup of a source")
	case j.Watch != "" && j.Watch != WatchDownloads && !filepath.IsAbs(j.Watch):
		return bad("watch", "%q is not an absolute path (or %q)", j.Watch, WatchDownloads)
	case j.Watch != "" && j.ForApp != "":
		return bad("for_app", "a watch job ships the app's exports unchanged: for_app is only for a backup of a source")
	case j.Watch == "" && j.RemoveAfterSend:
		return bad("remove_after_send", "only a watch job ships exports it could remove")
	case j.Watch != "":
	case j.Source == "":
		return bad("source", "missing: the wallet data folder to back up (or watch, a folder the app exports to)")
	case !filepath.IsAbs(j.Source):
		return bad("source", "%q is not an absolute path", j.Source)
	}
	if _, ok := job.TargetApp(j.ForApp); j.ForApp != "" && !ok {
		return bad("for_app", "unknown app %q: backups can be made for %s", j.ForApp, strings.Join(job.TargetApps(), " or "))
	}
	if j.CheckSubset != "" {
		if _, _, err := ParseGroup(j.CheckSubset); err != nil {
			return bad("check_subset", "%v", err)
		}
	}
	if j.Settings != "" && !filepath.IsAbs(j.Settings) {
		return bad("settings", "%q is not an absolute path", j.Settings)
	}
	destKey := "dest"
	if len(j.Dests) > 0 {
		destKey = "dests"
	}
	dests := c.DestsFor(j)
	switch {
	case j.Dest != "" && len(j.Dests) > 0:
		return bad("dests", "set either dest or dests, not both")
	case len(dests) == 0:
		return bad("dest", "missing, and the config has no default_dest")
	}
	seen := map[string]bool{}
	for _, dest := range dests {
		spec, err := destinations.ParseSpec(dest)
		if err != nil {
			return bad(destKey, "%v", err)
		}
		// A timer's working folder is not the user's: a relative folder
		// would point somewhere else.
		if spec.Scheme == "folder" && !filepath.IsAbs(spec.Arg) {
			return bad(destKey, "folder %q is not an absolute path", spec.Arg)
		}
		// One folder spelled two ways (folder:/b, /b/, /./b) is one
		// place: a run would refuse it.
		if spec.Scheme == "folder" {
			spec.Arg = filepath.Clean(spec.Arg)
		}
		if seen[spec.String()] {
			return bad(destKey, "%s is given twice", dest)
		}
		seen[spec.String()] = true
	}
	switch {
	case j.Every == "" && j.Cron == "":
		return bad("every", `missing: set every = "24h" or cron = "30 2 * * *"`)
	case j.Every != "" && j.Cron != "":
		return bad("cron", "set either every or cron, not both")
	}
	if _, err := j.Schedule(); err != nil {
		key := "every"
		if j.Cron != "" {
			key = "cron"
		}
		return bad(key, "%v", err)
	}
	sources := 0
	if j.PasswordFile != "" {
		sources++
		if !filepath.IsAbs(j.PasswordFile) {
			return bad("password_file", "%q is not an absolute path", j.PasswordFile)
		}
	}
	if j.PasswordKeyring {
		sources++
	}
	if j.PasswordEnv != "" {
		sources++
		if !isEnvName(j.PasswordEnv) {
			return bad("password_env", "%q is not an environment variable name", j.PasswordEnv)
		}
	}
	switch {
	case sources == 0 && j.Watch != "":
		// The app's exports are checked without a password; with one,
		// each is decrypted too.
	case sources == 0:
		return bad("password_file", "no password source: set password_file, password_keyring = true or password_env")
	case sources > 1:
		return bad("password_file", "set only one of password_file, password_keyring and password_env")
	}
	var neg *NegativeKeepError
	if errors.As(j.Retention.Check(), &neg) {
		return bad(neg.Rule, "%d is negative", neg.N)
	}
	if key, msg := j.Alerts.validate(); key != "" {
		return bad(key, "%s", msg)
	}
	return nil
}
