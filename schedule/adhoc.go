package schedule

import (
	"cmp"
	"context"
)

// AdHocPassword is where the password of an ad hoc job (one run without
// an entry in the config file) comes from.
type AdHocPassword struct {
	// Given is the password given once, on start (standard input or the
	// environment); it is used when the job has no password file.
	Given string
	// GivenEnv is the environment variable Given may have come from: a
	// job without a password file is marked as reading it, which gives
	// it a password source for validation; it is not re-read.
	GivenEnv string
	// File reads a job's password file. A job that has one reads it
	// afresh on each run; it is read once first, so an unreadable or
	// public file is refused before the run starts.
	File func(context.Context, Job) (string, error)
}

// FallbackDest is where backups go when neither the command, the job nor
// the config's default_dest says otherwise, like the app's "Save to
// Downloads".
const FallbackDest = "downloads"

// Destination is where a backup that names no destination goes: c's
// default destination (saved by pick --save-default), else FallbackDest.
func (c *Config) Destination() string { return cmp.Or(c.DefaultDest, FallbackDest) }

// AdHoc makes c the config of a run of the one job j alone, given
// outside the config file: c keeps its settings (its Destination is j's
// when j names none) and loses its jobs. j's paths are made absolute
// (Job.Absolute) and an unnamed j is named after its source
// (AdHocJobName): retention finds a job's backups by its name, and one
// shared name would have two ad hoc sources sending to one place prune
// each other's backups. It returns the job's password function. On an
// error (Absolute's, the password file's, or j's from ValidateJob) c is
// unchanged.
func (c *Config) AdHoc(ctx context.Context, j Job, pw AdHocPassword) (func(context.Context, Job) (string, error), error) {
	j, err := j.Absolute()
	if err != nil {
		return nil, err
	}
	if j.Name == "" {
		j.Name = AdHocJobName(j.Source)
	}
	password := func(context.Context, Job) (string, error) { return pw.Given, nil }
	if j.PasswordFile != "" {
		if _, err := pw.File(ctx, j); err != nil {
			return nil, err
		}
		password = pw.File
	} else {
		j.PasswordEnv = pw.GivenEnv
	}
	adhoc := *c
	adhoc.Jobs, adhoc.DefaultDest = nil, c.Destination()
	if err := adhoc.ValidateJob(j); err != nil {
		return nil, err
	}
	adhoc.Jobs = []Job{j}
	*c = adhoc
	return password, nil
}
