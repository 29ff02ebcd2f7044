package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
)

func inspectCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "show what a backup is; with the password, the wallets and files inside",
		ArgsUsage: "FILE",
		Flags: append([]cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		}, passwordFlags()...),
		Action: func(c *cli.Context) error {
			b, err := e.openGivenBackup(c)
			if err != nil {
				return err
			}
			defer b.close()
			arg, a, pw, withPassword := b.arg, b.archive, b.password, b.withPassword
			out := inspectJSON{Info: a.Info(), MadeBy: makerName(a.Info().Maker())}
			if withPassword {
				if out.Files, err = a.List(c.Context, pw); err != nil {
					return backupExit(fmt.Errorf("%s: %w", arg, err))
				}
				e.noteCanonical(b.canonical)
				out.Wallets = a.Wallets(out.Files)
				importable := backup.AppImportable(out.Info, out.Files)
				out.AppCanImport = &importable
			}
			if c.Bool("json") {
				return writeJSON(e.stdout, out)
			}
			e.printInspect(arg, out, withPassword)
			return nil
		},
	}
}

type inspectJSON struct {
	backup.Info
	// MadeBy is "app", "cakebackup" or "unknown", from the metadata.
	MadeBy string `json:"made_by"`
	// AppCanImport, known only with the password, is whether the wallet
	// app can import the backup (it holds an app-sealed keychain dump).
	AppCanImport *bool          `json:"app_can_import,omitempty"`
	Wallets      []string       `json:"wallets,omitempty"`
	Files        []backup.Entry `json:"files,omitempty"`
}

func (e *env) printInspect(arg string, out inspectJSON, withPassword bool) {
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "File:\t%s\n", arg)
	fmt.Fprintf(tw, "Format:\tversion %d\n", out.Version)
	fmt.Fprintf(tw, "Made by:\t%s\n", describeMaker(out.Info, out.Files))
	if !out.Created.IsZero() {
		fmt.Fprintf(tw, "Created:\t%s\n", out.Created.Local().Format(time.DateTime))
	}
	fmt.Fprintf(tw, "Size:\t%s (%s of data)\n", humanBytes(out.Size), humanBytes(out.PlainSize))
	fmt.Fprintf(tw, "Chunks:\t%d\n", out.Chunks)
	tw.Flush()
	if !withPassword {
		fmt.Fprintln(e.stdout, "(give the password to list the wallets and files inside)")
		return
	}
	fmt.Fprintf(e.stdout, "\nWallets (%d):\n", len(out.Wallets))
	for _, w := range out.Wallets {
		fmt.Fprintf(e.stdout, "  %s\n", w)
	}
	fmt.Fprintf(e.stdout, "\nFiles (%d):\n", len(out.Files))
	tw = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, f := range out.Files {
		fmt.Fprintf(tw, "  %s\t  %s\n", humanBytes(f.Size), f.Name)
	}
	tw.Flush()
}
