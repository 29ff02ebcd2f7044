package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/interrupt"
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
			for _, file := range c.Args().Slice() {
				if strings.TrimSpace(file) == "" {
					// An unset variable in a script ("$FILE"): nothing is sent.
					return usageError(errors.New("a backup FILE given to send is empty"))
				}
			}
			specs, err := e.chosenDests(c)
			if err != nil {
				return err
			}
			pw, err := e.optionalPassword(c)
			if err != nil {
				return err
			}
			var (
				results []sentJSON
				failed  []error
				// The first write of a file's result that failed:
				// the files after it are sent all the same.
				printErr error
				// One registry for every file: the stick chosen for
				// "usb" is asked once.
				open = e.registry().Open
			)
			for _, file := range c.Args().Slice() {
				var sent *job.Sent
				err := job.CheckFile(file) // a usage error, as verify, inspect and restore refuse it
				if err == nil {
					sent, err = job.Send(c.Context, open, job.Shipment{File: file, Dests: specs, Password: pw, WantSHA512: c.Bool("json")})
				}
				if err = jobErr(err); err != nil {
					err = withSignalCode(c.Context, asInterruption(c.Context, err))
					failed = append(failed, err)
				}
				if sent != nil {
					for i := range sent.Stores {
						sent.Stores[i].Err = asInterruption(c.Context, sent.Stores[i].Err)
					}
				}
				if c.Bool("json") {
					results = append(results, newSentJSON(file, sent, err))
					continue
				}
				if perr := e.printSent(file, sent, err, c.NArg() == 1); printErr == nil {
					printErr = perr
				}
			}
			if c.Bool("json") {
				printErr = writeJSON(e.stdout, sentFilesJSON{Files: results})
			}
			// A file that failed says more than a missing result
			// (see run).
			switch len(failed) {
			case 0:
				return printErr
			case 1:
				return failed[0]
			}
			// The exit code is the first failure's; every file's result
			// was printed above.
			return fmt.Errorf("%d of %d files were not sent everywhere; the first: %w", len(failed), c.NArg(), failed[0])
		},
	}
}

// asInterruption is err, or, when a signal ended ctx and err is only the
// context ending ("context canceled"), the signal's *interrupt.Error
// ("interrupted"): what a file or a destination stopped by Ctrl-C or
// SIGTERM reports.
func asInterruption(ctx context.Context, err error) error {
	if _, signalled := interrupt.Code(ctx); signalled && errors.Is(err, context.Canceled) {
		return context.Cause(ctx)
	}
	return err
}

// printSent reports one file: where it went, or why it went nowhere.
// When it is the only file (alone), a failure that is the run's error,
// said once on stderr, is not said here too: the file's, and the
// destination's when there was one.
func (e *env) printSent(file string, sent *job.Sent, err error, alone bool) error {
	switch {
	case sent != nil:
		return sent.WriteText(e.stdout, alone, restoreHint, message)
	case !alone:
		_, err := fmt.Fprintln(e.stdout, job.NotSentLine(file, err, message))
		return err
	}
	return nil
}

// sentFilesJSON is what send --json prints: one result per file.
type sentFilesJSON struct {
	Files []sentJSON `json:"files"`
}

// sentJSON is one file's result in send --json.
type sentJSON struct {
	File         string            `json:"file"`
	OK           bool              `json:"ok"`
	Size         int64             `json:"size,omitempty"`
	SHA512       string            `json:"sha512,omitempty"`
	MadeBy       string            `json:"made_by,omitempty"`
	Error        string            `json:"error,omitempty"`
	ExitCode     int               `json:"exit_code,omitempty"`
	Destinations []job.StoreResult `json:"destinations,omitempty"`
}

func newSentJSON(file string, sent *job.Sent, err error) sentJSON {
	out := sentJSON{File: file, OK: err == nil}
	if err != nil {
		out.Error, out.ExitCode = message(err), exitCode(err)
	}
	if sent != nil {
		out.Size, out.SHA512, out.MadeBy = sent.Size, sent.SHA512, sent.Info.Maker().String()
		out.Destinations = sent.Stores.Results(message)
	}
	return out
}
