package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
)

// allowEmptyFlag lets create and schedule add back up a folder that holds
// no wallets, for the rare time that is meant.
func allowEmptyFlag() cli.Flag {
	return &cli.BoolFlag{Name: "allow-empty", Usage: "back up a --source that holds no wallet files"}
}

// checkSource refuses, as a usage error with the fix, a source folder that
// holds no wallets or is the folder next to the app's data folder (a
// backup of the parent would nest the wallets one level too deep), unless
// allowEmpty. Other problems (a missing or unreadable folder) are returned
// as they are.
func checkSource(dir string, allowEmpty bool) error {
	err := backup.CheckDataFolder(dir)
	var notData *backup.DataFolderError
	switch {
	case err == nil, errors.As(err, &notData) && allowEmpty:
		return nil
	case errors.As(err, &notData) && notData.DataDir != "":
		return usageError(fmt.Errorf("%w: use --source %s", err, notData.DataDir))
	case errors.As(err, &notData):
		return usageError(fmt.Errorf("%w: give --source the app's data folder (the one holding wallets/), or add --allow-empty to back it up anyway", err))
	}
	return err
}

// checkSettings refuses a --settings file that is not a JSON object: the
// app keeps its settings as one JSON object of keys and values (see
// examples/settings.json), and a restore would hand anything else to the
// app as its settings.
func checkSettings(path string) error {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return usageError(fmt.Errorf("--settings: %w", err))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil || obj == nil {
		why := "null"
		if err != nil {
			why = err.Error()
		}
		return usageError(fmt.Errorf("--settings %s is not the app's settings JSON (%s): give the settings file the app exported, or leave --settings out", path, why))
	}
	return nil
}
