package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/proton"
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
			to := c.String("to")
			if to == "" {
				return usageError(errors.New("restore needs --to"))
			}
			opts, err := restoreOptions(c)
			if err != nil {
				return err
			}
			e.readProgress = e.newProgress(c, "Restoring", "")
			e.readProgress.Hold() // shown once the password was asked for
			restored, err := job.Restore(c.Context, e.registry(), job.Restoring{Arg: arg, To: to, Options: opts, Wrap: e.countReads,
				Password: func() (string, error) {
					pw, err := e.passwordOrPrompt(c, "restore")
					if err == nil {
						e.readProgress.Show()
					}
					return pw, err
				}})
			e.readProgress.Finish(err == nil)
			if err != nil {
				return readErr(arg, to, err)
			}
			for _, n := range restored.Notes() {
				e.notes.Note("%s", n)
			}
			e.noteCanonical(restored.Canonical)
			return e.printResult(c, restored, restored.WriteText)
		},
	}
}

func verifyCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "check a backup: checksums without a password, everything with one",
		ArgsUsage: "FILE",
		Flags: append([]cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON result object"},
			maxSizeFlag(),
		}, passwordFlags()...),
		Action: func(c *cli.Context) error {
			opts, err := restoreOptions(c)
			if err != nil {
				return err
			}
			e.readProgress = e.newProgress(c, "Verifying", "")
			o, err := e.openGivenBackup(c)
			if err != nil {
				e.readProgress.Finish(false)
				return err
			}
			defer o.Close()
			e.notes.Detail("%s", o.SummaryLine())
			v, err := o.Verify(c.Context, opts)
			e.readProgress.Finish(err == nil)
			if err != nil {
				return readErr(o.Arg, "", err)
			}
			e.noteCanonical(o.Canonical)
			return e.printResult(c, v, v.WriteText)
		},
	}
}

func inspectCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "show what a backup is; with the password, the wallets and files inside",
		ArgsUsage: "FILE",
		Flags:     append([]cli.Flag{jsonFlag()}, passwordFlags()...),
		Action: func(c *cli.Context) error {
			o, err := e.openGivenBackup(c)
			if err != nil {
				return err
			}
			defer o.Close()
			in, err := o.Inspect(c.Context)
			if err != nil {
				return backupExit(err)
			}
			e.noteCanonical(o.Canonical)
			// Read without the password, only the structure was: a damaged backup shows as well as a good one.
			const unread = "(contents not checked: `cakebackup verify FILE` checks every chunk)\n" +
				"(give the password to list the wallets and files inside)\n"
			return e.printResult(c, in, func(w io.Writer) error { return in.WriteText(w, restoreHint, unread) })
		},
	}
}

// oneArg returns the command's single positional argument.
func oneArg(c *cli.Context, what string) (string, error) {
	if c.NArg() != 1 {
		return "", usageError(fmt.Errorf("%s takes one %s, got %d arguments", c.Command.Name, what, c.NArg()))
	}
	if strings.TrimSpace(c.Args().First()) == "" { // an unset variable in a script ("$FILE")
		return "", usageError(fmt.Errorf("the %s given to %s is empty", what, c.Command.Name))
	}
	return c.Args().First(), nil
}

// readErr words an error of opening the backup arg names or of reading it
// (into to, for restore) for the command line: a backup not there or not
// named and a --to that cannot be restored into are usage errors.
func readErr(arg, to string, err error) error {
	missing, folderMissing := errors.AsType[*destinations.FolderMissingError](err)
	at, atDest := errors.AsType[*destinations.BackupOpenError](err)
	switch {
	case errors.Is(err, destinations.ErrNoBackupName):
		spec := arg
		if spec == proton.Scheme+":" {
			spec += "/" // the Drive's root is spelled proton:/
		}
		return usageError(fmt.Errorf("%s names a folder; add the backup's name, e.g. %s (see cakebackup ls %s)", arg, destinations.JoinBackup(spec, "NAME"), spec))
	case errors.Is(err, destinations.ErrNotAFile), errors.Is(err, destinations.ErrNoSuchFile):
		return usageError(err)
	case folderMissing: // ls of the folder would only say it is missing
		return usageError(fmt.Errorf("%s: %w", arg, missing))
	case atDest && errors.Is(err, destinations.ErrNotFound):
		return usageError(fmt.Errorf("%s: no such backup (see cakebackup ls %s)", arg, at.Dest))
	case errors.Is(err, destinations.ErrDamaged): // not as its checksum or signature says (Proton Drive)
		return withCode(exitDamaged, err)
	case errors.As(err, new(*job.ResumedError)):
		return usageError(fmt.Errorf("--to %w; restore into a new or empty folder", err))
	case errors.Is(err, backup.ErrTargetNotEmpty):
		// Filled while the backup was read, or a file: say which, in true words.
		if target, ok := errors.AsType[*backup.TargetError](backup.CheckRestoreTarget(to)); ok {
			return usageError(fmt.Errorf("--to %w: restore into a new or empty folder", target))
		}
		return usageError(err)
	case errors.Is(err, backup.ErrTooLarge):
		return fmt.Errorf("%w (if you trust this backup, raise the limit with --max-size)", err)
	}
	return backupExit(err)
}

// openGivenBackup opens the command's one backup argument with the
// password, if one was given (job.Open), counting its reads on e.readProgress.
func (e *env) openGivenBackup(c *cli.Context) (*job.Opened, error) {
	arg, err := oneArg(c, "backup FILE")
	if err != nil {
		return nil, err
	}
	pw, err := e.optionalPassword(c)
	if err != nil {
		return nil, err
	}
	o, err := job.Open(c.Context, e.registry(), arg, pw, e.countReads)
	return o, readErr(arg, "", err)
}

// maxSizeFlag is restore's limit on what it writes; verify takes it too,
// to check what that restore would accept.
func maxSizeFlag() cli.Flag {
	return &cli.StringFlag{Name: "max-size", Usage: "write at most `SIZE` on restore (such as 20G); the default is 32 times the backup's size, at least 256 MiB"}
}

// restoreOptions reads --max-size.
func restoreOptions(c *cli.Context) (opts backup.RestoreOptions, err error) {
	if s := c.String("max-size"); s != "" {
		if opts.MaxSize, err = bytesize.Parse(s); err != nil {
			return opts, usageError(fmt.Errorf("--max-size: %w", err))
		}
	}
	return opts, nil
}
