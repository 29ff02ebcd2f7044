package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/config"
	"github.com/cakebackup/cakebackup/schedule"
)

// configFlag is --config, the config file with the jobs and the saved
// default destination.
func configFlag() cli.Flag {
	return &cli.StringFlag{Name: "config", Usage: "config `FILE` (default $XDG_CONFIG_HOME/cakebackup/config.toml)"}
}

// configPath is the config file named by --config, or the default one.
func (e *env) configPath(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	path, err := config.OSEnv(e.getenv).PrivateFile()
	var dirErr *config.DirError
	if err != nil && !errors.As(err, &dirErr) {
		return "", fmt.Errorf("config file: %w (use --config FILE)", err)
	}
	return path, err
}

// loadScheduleConfig loads the --config file or the default one; the
// config's File is its path.
func (e *env) loadScheduleConfig(c *cli.Context) (*schedule.Config, error) {
	return e.loadConfig(c.String("config"), "", "")
}

// loadGivenScheduleConfig is loadScheduleConfig for the commands that
// only read the config (list, status): a --config file that is not there
// is a mistake (a typo in a monitoring script would otherwise read as "no
// jobs, all well"), while the default file may not exist yet.
func (e *env) loadGivenScheduleConfig(c *cli.Context) (*schedule.Config, error) {
	return e.loadConfig(c.String("config"), "schedule add", "")
}

// defaultDestConfigFlag is --config for the commands that only read the
// saved default destination from it.
func defaultDestConfigFlag() cli.Flag {
	return &cli.StringFlag{Name: "config", Usage: "config `FILE` holding a saved default destination"}
}

// defaultDest is the default destination saved in the config file (by
// `cakebackup pick --save-default`), else schedule.FallbackDest. A --config file
// that is not there is a mistake, as for schedule list and status
// (loadGivenScheduleConfig): a typo would otherwise send the backup to
// Downloads instead of the saved default, and say nothing. The default
// file may not exist yet.
func (e *env) defaultDest(configFlag string) (string, error) {
	cfg, err := e.loadConfig(configFlag, "pick --save-default", "reading the saved default destination: ")
	if err != nil {
		return "", err
	}
	return cfg.Destination(), nil
}

// loadConfig loads the config file flag names (--config), or the default
// one, which may not exist yet. With creator set, a named file that is not
// there is a mistake too (schedule.LoadNamedConfig), whose message names
// the command that creates it. A config that does not load is the
// person's to fix: a usage error, its message after prefix.
func (e *env) loadConfig(flag, creator, prefix string) (*schedule.Config, error) {
	path, err := e.configPath(flag)
	if err != nil {
		return nil, err
	}
	load := schedule.LoadConfig
	if flag != "" && creator != "" {
		load = schedule.LoadNamedConfig
	}
	cfg, err := load(path)
	switch {
	case errors.As(err, new(*schedule.MissingConfigError)):
		return nil, usageError(fmt.Errorf("%w (%s creates it)", err, creator))
	case err != nil:
		return nil, usageError(fmt.Errorf("%s%w", prefix, err))
	}
	return cfg, nil
}

// jobArgConfig is the single JOB argument and the --config file (or the
// default one) it is looked up in.
func (e *env) jobArgConfig(c *cli.Context) (name string, cfg *schedule.Config, err error) {
	if name, err = oneJobArg(c); err != nil {
		return "", nil, err
	}
	cfg, err = e.loadScheduleConfig(c)
	return name, cfg, err
}

// jobCommand is cmd as a command on one job of a config file: it takes
// the job's name (JOB) and --config before its own flags, and its action
// gets the config and the job.
func (e *env) jobCommand(cmd *cli.Command, action func(c *cli.Context, cfg *schedule.Config, job schedule.Job) error) *cli.Command {
	cmd.ArgsUsage = "JOB"
	cmd.Flags = append([]cli.Flag{configFlag()}, cmd.Flags...)
	cmd.Action = func(c *cli.Context) error {
		name, cfg, err := e.jobArgConfig(c)
		if err != nil {
			return err
		}
		job, err := cfg.Find(name)
		if err != nil {
			return usageError(fmt.Errorf("%s: %w", cfg.File, err))
		}
		return action(c, cfg, job)
	}
	return cmd
}
