package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/job"
)

// allowEmptyFlag lets create and schedule add back up a folder that holds
// no wallets, for the rare time that is meant.
func allowEmptyFlag() cli.Flag {
	return &cli.BoolFlag{Name: "allow-empty", Usage: "back up a --source that holds no wallet files"}
}

// checkSource is job.CheckSource, its refusals usage errors naming the
// flag that fixes them: a --source that is not there or is a file is as
// much a mistake on the command line as an empty one.
func checkSource(dir string, allowEmpty bool) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return usageError(fmt.Errorf("--source %s: no such file or folder", dir))
	case err == nil && !fi.IsDir():
		return usageError(fmt.Errorf("--source %s is not a folder: give the wallet app's data folder", dir))
	}
	err = job.CheckSource(dir, allowEmpty)
	var notData *backup.DataFolderError
	switch {
	case errors.As(err, &notData) && notData.DataDir != "":
		return usageError(fmt.Errorf("%w: use --source %s", err, notData.DataDir))
	case errors.As(err, &notData):
		return usageError(fmt.Errorf("%w: give --source the app's data folder (the one holding wallets/), or add --allow-empty to back it up anyway", err))
	}
	return err
}

// checkSettings is job.CheckSettings, worded for --settings.
func checkSettings(path string) error {
	err := job.CheckSettings(path)
	var bad *job.SettingsError
	switch {
	case errors.As(err, &bad):
		return usageError(fmt.Errorf("--settings %w: give the settings file the app exported, or leave --settings out", err))
	case err != nil:
		return usageError(fmt.Errorf("--settings: %w", err))
	}
	return nil
}
