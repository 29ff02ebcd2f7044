package main

import (
	"fmt"

	"github.com/cakebackup/cakebackup/schedule"
)

// savedDefaultDest is the default destination saved in the config file
// (by `cakebackup pick --save-default`), or "" when none is saved.
func (e *env) savedDefaultDest(configFlag string) (string, error) {
	path, err := e.configPath(configFlag)
	if err != nil {
		return "", err
	}
	cfg, err := schedule.LoadConfig(path)
	if err != nil {
		// A config that does not load is the person's to fix, as for
		// the schedule commands (loadScheduleConfig).
		return "", usageError(fmt.Errorf("reading the saved default destination: %w", err))
	}
	return cfg.DefaultDest, nil
}
