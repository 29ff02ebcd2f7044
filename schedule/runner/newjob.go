package runner

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/inbox"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/schedule"
)

// ProbeTimeout bounds how long CheckJob waits on one destination (a
// network one) when it checks that it is there.
const ProbeTimeout = 30 * time.Second

// EnvUnsetError is returned by CheckJob for a job whose password
// variable is not set.
type EnvUnsetError struct {
	// Job is the job; Var the variable it reads its password from.
	Job, Var string
}

// Error names the job and the variable.
func (e *EnvUnsetError) Error() string {
	return fmt.Sprintf("job %s: environment variable %s is not set", e.Job, e.Var)
}

// JobName is the job the message names.
func (e *EnvUnsetError) JobName() string { return e.Job }

// UnavailableError is CheckJob's warning for a destination that cannot
// be opened now.
type UnavailableError struct {
	// Job is the job, Dest the destination spec, Err why it could not
	// be opened.
	Job, Dest string
	Err       error
}

// Error names the job and the destination, and says why.
func (e *UnavailableError) Error() string {
	return fmt.Sprintf("job %s: %s is not available now (%v); its runs fail until it is", e.Job, e.Dest, destinations.Cause(e.Err, e.Dest))
}

// JobName is the job the message names.
func (e *UnavailableError) JobName() string { return e.Job }

// Unwrap returns why the destination could not be opened.
func (e *UnavailableError) Unwrap() error { return e.Err }

// CheckJob checks what can be checked now of a job about to be added to
// cfg, so a mistake shows when it is added rather than at its first run:
// a watch job's folder is there and no destination stores into it (not
// even through a link or a bind mount), a backup job's destinations are
// outside its source, its password can be read (password gives it),
// every destination is of a kind the registry knows and no two are one
// place. It returns warnings for what may be fine later: a destination
// that is not there now (an unplugged stick), a password not yet in the
// keyring. The
// source and settings of a backup job are the caller's to check, as
// create checks them, or CheckNewJob's.
func (r Runner) CheckJob(ctx context.Context, cfg *schedule.Config, j schedule.Job, password PasswordFunc) (warnings []error, err error) {
	var watched string
	if j.Watch != "" {
		dir, err := inbox.Folder(j, r.Getenv)
		if err != nil {
			return nil, &schedule.JobError{Job: j.Name, Err: err}
		}
		if err := inbox.CheckFolder(dir); err != nil {
			return nil, &schedule.JobError{Job: j.Name, Err: err}
		}
		// A destination in the watched folder is refused by every run:
		// refuse it now.
		if _, err := inbox.New(dir, cfg.DestsFor(j), r.Registry.Open, schedule.Paths{}, r.Getenv, nil); err != nil {
			return nil, &schedule.JobError{Job: j.Name, Err: err}
		}
		watched = dir
	}
	switch {
	case j.PasswordEnv != "":
		if r.Getenv(j.PasswordEnv) == "" {
			return nil, &EnvUnsetError{Job: j.Name, Var: j.PasswordEnv}
		}
	case j.PasswordFile != "":
		if _, err := password(ctx, j); err != nil {
			return nil, schedule.WithJobName(j.Name, err)
		}
	case j.PasswordKeyring:
		if _, err := password(ctx, j); err != nil {
			warnings = append(warnings, err)
		}
	}
	known := r.Registry.Schemes()
	for _, spec := range cfg.DestsFor(j) {
		if s, err := destinations.ParseSpec(spec); err == nil && !slices.Contains(known, s.Scheme) {
			return nil, &schedule.JobError{Job: j.Name, Err: &destinations.KindError{Spec: spec, Kind: s.Scheme, Known: known}}
		}
	}
	specs := cfg.DestsFor(j)
	dests := make([]destinations.Destination, len(specs))
	defer func() {
		for _, d := range dests {
			if d != nil {
				_ = d.Close()
			}
		}
	}()
	for i, spec := range specs {
		d, err := r.probe(ctx, spec)
		if err != nil {
			warnings = append(warnings, &UnavailableError{Job: j.Name, Dest: spec, Err: err})
			continue
		}
		dests[i] = d
	}
	// Two destinations that are one folder would make every run fail:
	// refuse them now.
	if err := job.CheckOpened(specs, dests); err != nil {
		return nil, &schedule.JobError{Job: j.Name, Err: err}
	}
	// So would a destination inside the folder it backs up.
	if j.Watch == "" {
		if err := job.CheckNotInSource(j.Source, specs, dests); err != nil {
			return nil, &schedule.JobError{Job: j.Name, Err: err}
		}
	}
	// So would a destination that is the watched folder reached another
	// way (a link, a bind mount), and its "copy" would be the export.
	if watched != "" {
		if err := inbox.CheckOpened(watched, specs, dests); err != nil {
			return nil, &schedule.JobError{Job: j.Name, Err: err}
		}
	}
	return warnings, nil
}

// probe opens a destination, within ProbeTimeout, to see that it is there
// now; the caller closes it.
func (r Runner) probe(ctx context.Context, spec string) (destinations.Destination, error) {
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	return r.Registry.Open(ctx, spec)
}

// SourceError is CheckNewJob's error for the source of a backup job:
// job.CheckSource's, in Err.
type SourceError struct {
	Job string
	Err error
}

// Error names the job and says what is wrong with its source.
func (e *SourceError) Error() string { return fmt.Sprintf("job %s: %v", e.Job, e.Err) }

// Unwrap returns job.CheckSource's error.
func (e *SourceError) Unwrap() error { return e.Err }

// SettingsError is CheckNewJob's error for a job's settings file:
// job.CheckSettings's, in Err.
type SettingsError struct {
	Job string
	Err error
}

// Error names the job and says what is wrong with its settings file.
func (e *SettingsError) Error() string { return fmt.Sprintf("job %s: %v", e.Job, e.Err) }

// Unwrap returns job.CheckSettings's error.
func (e *SettingsError) Unwrap() error { return e.Err }

// CheckNewJob adds j to cfg with its paths made absolute (Job.Absolute:
// a timer does not start in the folder the job was added from), unless
// Config.Add refuses it (not valid, or its name taken); then it checks
// what create checks of a backup: the source of a backup job is a wallet
// app's data folder (job.CheckSource; allowEmpty lets one without
// wallets pass), a *SourceError if not, and a settings file is a JSON
// object (job.CheckSettings), a *SettingsError if not; then CheckJob's
// checks. A missing source is a mistake here, where create leaves it to
// the backup to report. cfg keeps j whatever the checks say: saving it
// is the caller's, once they pass.
func (r Runner) CheckNewJob(ctx context.Context, cfg *schedule.Config, j schedule.Job, allowEmpty bool, password PasswordFunc) (warnings []error, err error) {
	j, err = j.Absolute()
	if err != nil {
		return nil, err
	}
	if err := cfg.Add(j); err != nil {
		return nil, err
	}
	if j.Watch == "" {
		if err := job.CheckSource(j.Source, allowEmpty); err != nil {
			return nil, &SourceError{Job: j.Name, Err: err}
		}
	}
	if err := job.CheckSettings(j.Settings); err != nil {
		return nil, &SettingsError{Job: j.Name, Err: err}
	}
	return r.CheckJob(ctx, cfg, j, password)
}
