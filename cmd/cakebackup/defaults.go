package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/cakebackup/cakebackup/schedule"
)

// savedDefaultDest is the default destination saved in the config file
// (by `cakebackup pick --save-default`), or "" when none is saved. A
// --config file that is not there is a mistake, as for schedule list and
// status (loadGivenScheduleConfig): a typo would otherwise send the
// backup to Downloads instead of the saved default, and say nothing.
// The default file may not exist yet.
func (e *env) savedDefaultDest(configFlag string) (string, error) {
	path, err := e.configPath(configFlag)
	if err != nil {
		return "", err
	}
	if configFlag != "" {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return "", usageError(fmt.Errorf("%s: no such config file (pick --save-default creates it)", path))
		}
	}
	cfg, err := schedule.LoadConfig(path)
	if err != nil {
		// A config that does not load is the person's to fix, as for
		// the schedule commands (loadScheduleConfig).
		return "", usageError(fmt.Errorf("reading the saved default destination: %w", err))
	}
	return cfg.DefaultDest, nil
}
