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

// defaultDestConfigFlag is --config for the commands that only read the
// saved default destination from it.
func defaultDestConfigFlag() cli.Flag {
	return &cli.StringFlag{Name: "config", Usage: "config `FILE` holding a saved default destination"}
}

// configPath is the config file named by --config, or the default one
// (its folder made private; a *config.DirError when it cannot be).
func (e *env) configPath(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	path, err := config.OSEnv(e.getenv).PrivateFile()
	if err != nil && !errors.As(err, new(*config.DirError)) {
		return "", fmt.Errorf("config file: %w (use --config FILE)", err)
	}
	return path, err
}

// loadConfig loads the --config file or the default one; with creator (the
// command that makes it), a --config file not there is a usage error, as a
// typo would read as "no jobs, all well" or send a backup to Downloads.
// A config that does not load is a usage error too, its message after prefix.
func (e *env) loadConfig(c *cli.Context, creator, prefix string) (*schedule.Config, error) {
	flag := c.String("config")
	path, err := e.configPath(flag)
	if err != nil {
		return nil, err
	}
	cfg, err := schedule.LoadConfigFile(path, flag != "" && creator != "")
	switch {
	case errors.As(err, new(*schedule.MissingConfigError)):
		return nil, usageError(fmt.Errorf("%w (%s creates it)", err, creator))
	case err != nil:
		return nil, usageError(fmt.Errorf("%s%w", prefix, err))
	}
	e.holdPasswordEnvs(cfg.Jobs...)
	return cfg, nil
}

// defaultDest is the default destination saved in the config file, else
// schedule.FallbackDest.
func (e *env) defaultDest(c *cli.Context) (string, error) {
	cfg, err := e.loadConfig(c, "pick --save-default", "reading the saved default destination: ")
	if err != nil {
		return "", err
	}
	return cfg.Destination(), nil
}

// jobArgConfig is the single JOB argument and the config it is looked up in.
func (e *env) jobArgConfig(c *cli.Context) (name string, cfg *schedule.Config, err error) {
	if name, err = oneJobArg(c); err != nil {
		return "", nil, err
	}
	cfg, err = e.loadConfig(c, "", "")
	return name, cfg, err
}

// jobCommand is cmd as a command on one job of a config file: it takes
// JOB and --config, and its action gets the config and the job.
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

// holdPasswordEnvs takes the variables jobs read their passwords from out
// of the process environment (secret.HeldEnv) before anything starts a
// program that would inherit them.
func (e *env) holdPasswordEnvs(jobs ...schedule.Job) {
	if e.holdEnv != nil {
		e.holdEnv(schedule.PasswordEnvs(jobs)...)
	}
}

// holdDefaultPasswordEnvs is holdPasswordEnvs for the jobs of the default
// config file, for the commands that never load it. A config that does
// not load holds nothing here: the commands that need it say why.
func (e *env) holdDefaultPasswordEnvs() {
	if e.holdEnv == nil {
		return
	}
	path, err := config.OSEnv(e.getenv).File()
	if err != nil {
		return
	}
	if cfg, err := schedule.LoadConfig(path); err == nil {
		e.holdPasswordEnvs(cfg.Jobs...)
	}
}
