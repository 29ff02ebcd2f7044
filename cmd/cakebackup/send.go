package main

import (
	"cmp"
	"errors"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/stdout"
	"github.com/cakebackup/cakebackup/job"
)

func sendCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "send",
		Usage:     "check backups the wallet app exported and store them, unchanged, at destinations",
		ArgsUsage: "FILE...",
		Description: "Each FILE is checked (structure and every chunk's checksums; with a password, everything is\n" +
			"decrypted too) in the same read that copies it to each --dest; a damaged file or one that is not a\n" +
			"backup is refused and left nowhere (exit 4). Each copy is read back from the medium and compared\n" +
			"before it gets its final name. A destination that already holds the same bytes, under any name,\n" +
			"is skipped.",
		Flags: append([]cli.Flag{
			destFlag(),
			defaultDestConfigFlag(),
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object, with a result per file"},
		}, passwordFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usageError(errors.New("send needs at least one backup FILE (an export saved by the wallet app)"))
			}
			if slices.ContainsFunc(c.Args().Slice(), func(f string) bool { return strings.TrimSpace(f) == "" }) {
				return usageError(errors.New("a backup FILE given to send is empty")) // an unset "$FILE": nothing is sent
			}
			specs, err := e.chosenDests(c)
			if err != nil {
				return err
			}
			pw, err := e.optionalPassword(c)
			if err != nil {
				return err
			}
			code := func(err error) error { return withSignalCode(c.Context, jobErr(err)) }
			// One registry for every file: the stick chosen for "usb" is asked once.
			shipment := job.Shipment{Dests: specs, Password: pw, WantSHA512: c.Bool("json")}
			var coded []error // each file's error with its exit code as it ended: a signal's only once one came
			// A failed write fails the run (stdout.Verdict); the files after it are sent all the same.
			sent, err := job.SendFiles(c.Context, e.registry().Open, c.Args().Slice(), shipment, func(f job.SentFile) {
				coded = append(coded, code(f.Err))
				if !c.Bool("json") {
					_ = f.WriteText(e.stdout, c.NArg() == 1, restoreHint, message)
				}
			})
			if !c.Bool("json") {
				return code(err)
			}
			for i := range sent {
				sent[i].Err = coded[i]
			}
			werr := stdout.WriteJSON(e.stdout, sent.Result(message, exitCode))
			return cmp.Or(code(err), werr) // a file that failed says more than a missing result (see run)
		},
	}
}
