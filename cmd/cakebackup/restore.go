package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/errloc"

	"github.com/urfave/cli/v2"
)

func restoreCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "restore",
		Usage:     "decrypt a backup into an empty or new folder",
		ArgsUsage: "FILE|DEST/NAME",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "to", Usage: "the `DIR` to restore into; it must be absent or empty (required)"},
			maxSizeFlag(),
			&cli.BoolFlag{Name: "json", Usage: "print one JSON result object"},
		}, passwordFlags()...),
		Action: func(c *cli.Context) error {
			arg, err := oneArg(c, "backup FILE")
			if err != nil {
				return err
			}
			if err := requireFlags(c, "to"); err != nil {
				return err
			}
			opts, err := restoreOptions(c)
			if err != nil {
				return err
			}
			if err := checkRestoreTo(c.String("to")); err != nil {
				return err
			}
			// The backup opens (is there, and a backup at a glance) before
			// the password is asked for; its bar shows only after the prompt.
			e.readProgress = newReadProgress(e.stderr, e.quiet || c.Bool("json"), "Restoring")
			e.readProgress.Hold()
			a, done, err := e.openArchive(c.Context, arg)
			if err != nil {
				return err
			}
			defer done()
			pw, err := e.passwordOrPrompt(c, "restore")
			if err != nil {
				return err
			}
			e.readProgress.Show()
			pw, canonical, err := a.AcceptedPassword(c.Context, pw)
			if err != nil {
				return err
			}
			to := c.String("to")
			res, err := a.RestoreWith(c.Context, pw, to, opts)
			e.readProgress.Finish(err == nil)
			switch {
			case res == nil:
			case res.Resumed.Same:
				e.note("Finished the restore of this backup into %s that was interrupted while it moved its files into place (%d moved now)", to, res.Resumed.Moved)
			case res.Resumed.RolledBack:
				e.note("Removed what was left of a restore into %s that was interrupted while it moved its files into place", to)
			}
			if res != nil && res.Reclaimed.Items > 0 {
				where := "beside"
				if res.InPlace {
					where = "in"
				}
				e.note("Removed %d folder(s) left by interrupted restores %s %s (%s)",
					res.Reclaimed.Items, where, to, bytesize.Format(res.Reclaimed.Bytes))
			}
			if errors.Is(err, backup.ErrTargetNotEmpty) {
				// Filled while the backup was read, or a file: still the
				// --to given. Say which, in true words.
				if res != nil && (res.Resumed.Completed || res.Resumed.Taken != "") {
					return usageError(resumedNotEmpty(res.Resumed, to))
				}
				if toErr := checkRestoreTo(to); toErr != nil {
					return toErr
				}
				return usageError(errloc.Wrap(err, "restore "+arg, destinations.Spellings(arg)...))
			}
			if errors.Is(err, backup.ErrTooLarge) {
				return tooLargeHint(errloc.Wrap(err, "restore "+arg, destinations.Spellings(arg)...))
			}
			if err != nil {
				return backupExit(errloc.Wrap(err, "restore "+arg, destinations.Spellings(arg)...))
			}
			e.noteCanonical(canonical)
			if c.Bool("json") {
				return writeJSON(e.stdout, restoredJSON{File: arg, To: to, OK: true, Chunks: a.Info().Chunks})
			}
			fmt.Fprintf(e.stdout, "Restored %s into %s\n", arg, to)
			return nil
		},
	}
}

// quoteNames joins names, each on one line (backup.QuoteName).
func quoteNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = backup.QuoteName(n)
	}
	return strings.Join(q, ", ")
}

// resumedNotEmpty is the error of a restore into to, not empty once the
// restore into it that was killed while it moved its files into place was
// finished (of another backup, or but for entries removed since) or taken
// back (a name it needed taken).
func resumedNotEmpty(r backup.Resumed, to string) error {
	switch {
	case r.RolledBack && r.Taken != "":
		return fmt.Errorf("--to %s is not empty: %s was made there after a restore into it was interrupted, which was taken back; restore into a new or empty folder", to, r.Taken)
	case len(r.Missing) > 0:
		return fmt.Errorf("--to %s is not empty: it holds the files of a restore into it that was interrupted while it moved them into place, finished now but for %s, removed since; restore into a new or empty folder", to, quoteNames(r.Missing))
	}
	return fmt.Errorf("--to %s is not empty: it holds another backup's files, from a restore into it that was interrupted while it moved them into place and is finished now; restore into a new or empty folder", to)
}

// checkRestoreTo refuses a --to that restore would refuse only after the
// password and the whole backup were read: a file, or a folder holding
// anything (backup.CheckRestoreTarget). Where to restore is the person's
// choice, so it is a usage error (exit 2). Anything else about the folder
// is left to restore.
func checkRestoreTo(dir string) error {
	var target *backup.TargetError
	if err := backup.CheckRestoreTarget(dir); errors.As(err, &target) {
		return usageError(fmt.Errorf("--to %w: restore into a new or empty folder", target))
	}
	return nil
}

// restoredJSON is what restore --json prints.
type restoredJSON struct {
	File   string `json:"file"`
	To     string `json:"restored_to"`
	OK     bool   `json:"ok"`
	Chunks int    `json:"chunks"`
}
