package main

import (
	"errors"
	"fmt"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/errloc"

	"github.com/urfave/cli/v2"
)

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
			e.readProgress = newReadProgress(e.stderr, e.quiet || c.Bool("json"), "Verifying")
			b, err := e.openGivenBackup(c)
			if err != nil {
				e.readProgress.Finish(false)
				return err
			}
			defer b.close()
			arg, a, pw, withPassword := b.arg, b.archive, b.password, b.withPassword
			info := a.Info()
			e.detail("%s: format version %d, %d %s, %s", arg, info.Version, info.Chunks, plural(info.Chunks, "chunk", "chunks"), bytesize.Format(info.Size))
			if withPassword {
				err = a.VerifyWith(c.Context, pw, opts)
			} else {
				err = a.CheckIntegrity(c.Context)
			}
			e.readProgress.Finish(err == nil)
			if errors.Is(err, backup.ErrTooLarge) {
				return tooLargeHint(errloc.Wrap(err, arg, destinations.Spellings(arg)...))
			}
			if err != nil {
				return backupExit(errloc.Wrap(err, arg, destinations.Spellings(arg)...))
			}
			e.noteCanonical(b.canonical)
			level := "checksums"
			if withPassword {
				level = "full"
			}
			if c.Bool("json") {
				return writeJSON(e.stdout, verifiedJSON{File: arg, OK: true, Level: level, Chunks: info.Chunks})
			}
			if withPassword {
				fmt.Fprintf(e.stdout, "OK: %s decrypts with this password and every chunk and file checks out (%d %s)\n", arg, info.Chunks, plural(info.Chunks, "chunk", "chunks"))
			} else {
				fmt.Fprintf(e.stdout, "OK: %s is intact (%d %s; give the password to also check it decrypts)\n", arg, info.Chunks, plural(info.Chunks, "chunk", "chunks"))
			}
			return nil
		},
	}
}

// verifiedJSON is what verify --json prints.
type verifiedJSON struct {
	File string `json:"file"`
	OK   bool   `json:"ok"`
	// Level is "checksums" without a password, "full" with one.
	Level  string `json:"level"`
	Chunks int    `json:"chunks"`
}

// requireFlags returns a usage error naming the first of names that was
// not given.
func requireFlags(c *cli.Context, names ...string) error {
	for _, n := range names {
		if c.String(n) == "" {
			return usageError(fmt.Errorf("%s needs --%s", c.Command.Name, n))
		}
	}
	return nil
}

// oneArg returns the command's single positional argument.
func oneArg(c *cli.Context, what string) (string, error) {
	if c.NArg() != 1 {
		return "", usageError(fmt.Errorf("%s takes one %s, got %d arguments", c.Command.Name, what, c.NArg()))
	}
	return c.Args().First(), nil
}
