package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/errloc"
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
			var files []backup.Entry
			if withPassword {
				if files, err = a.List(c.Context, pw); err != nil {
					return backupExit(errloc.Wrap(err, arg, destinations.Spellings(arg)...))
				}
				e.noteCanonical(b.canonical)
			}
			// After List: a bare v2 blob's plain size is known only once
			// it is decrypted.
			info := a.Info()
			out := newInspectJSON(arg, info, a.Wallets(files), files, withPassword)
			if c.Bool("json") {
				return writeJSON(e.stdout, out)
			}
			e.printInspect(info, files, out)
			return nil
		},
	}
}

// inspectJSON is what inspect --json prints.
type inspectJSON struct {
	File string `json:"file"`
	// Version is 2 for a bare blob, 3 for a container.
	Version int `json:"version"`
	// MadeBy is "app", "cakebackup" or "unknown", from the metadata.
	MadeBy string `json:"made_by"`
	// ForApp is the app README.txt names: the one the backup is for.
	ForApp     string     `json:"for_app,omitempty"`
	AppVersion string     `json:"app_version,omitempty"`
	Created    *time.Time `json:"created,omitempty"`
	Size       int64      `json:"size"`
	// PlainSize is the inner archive's size; absent when unknown (a
	// bare v2 blob without the password).
	PlainSize int64  `json:"plain_size,omitempty"`
	Chunks    int    `json:"chunks"`
	SHA512    string `json:"inner_sha512,omitempty"`
	// Decrypted says whether a password was given: only then are the
	// wallets and files known.
	Decrypted bool `json:"decrypted"`
	// AppCanImport is whether the wallet app can import the backup (it
	// holds an app-sealed keychain dump): false for a cakebackup snapshot,
	// password or not; for another backup known only with the password.
	AppCanImport *bool             `json:"app_can_import,omitempty"`
	Wallets      []string          `json:"wallets,omitempty"`
	Files        []inspectFileJSON `json:"files,omitempty"`
}

type inspectFileJSON struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
}

func newInspectJSON(arg string, info backup.Info, wallets []string, files []backup.Entry, decrypted bool) inspectJSON {
	out := inspectJSON{
		File: arg, Version: info.Version, MadeBy: info.Maker().String(), ForApp: info.AppName, AppVersion: info.AppVersion,
		Size: info.Size, PlainSize: info.PlainSize, Chunks: info.Chunks, SHA512: info.SHA512,
		Decrypted: decrypted, Wallets: wallets,
	}
	if !info.Created.IsZero() {
		out.Created = &info.Created
	}
	if decrypted || info.Maker() == backup.MakerCakebackup {
		importable := backup.AppImportable(info, files)
		out.AppCanImport = &importable
	}
	for _, f := range files {
		out.Files = append(out.Files, inspectFileJSON(f))
	}
	return out
}

func (e *env) printInspect(info backup.Info, files []backup.Entry, out inspectJSON) {
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "File:\t%s\n", out.File)
	fmt.Fprintf(tw, "Format:\tversion %d\n", out.Version)
	// describeMaker's words start "made by ..." or "a bare v2 backup ...".
	fmt.Fprintf(tw, "Kind:\t%s\n", describeMaker(info, files))
	if out.ForApp != "" {
		fmt.Fprintf(tw, "For app:\t%s\n", out.ForApp)
	}
	if !info.Created.IsZero() {
		fmt.Fprintf(tw, "Created:\t%s\n", info.Created.Local().Format(time.DateTime))
	}
	if out.PlainSize > 0 {
		fmt.Fprintf(tw, "Size:\t%s (%s of data)\n", bytesize.Format(out.Size), bytesize.Format(out.PlainSize))
	} else {
		fmt.Fprintf(tw, "Size:\t%s\n", bytesize.Format(out.Size))
	}
	fmt.Fprintf(tw, "Chunks:\t%d\n", out.Chunks)
	tw.Flush()
	if !out.Decrypted {
		// inspect reads the container's structure, not the chunks: a
		// damaged backup can show here as well as a good one.
		fmt.Fprintln(e.stdout, "(contents not checked: `cakebackup verify FILE` checks every chunk)")
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
		fmt.Fprintf(tw, "  %s\t  %s\n", bytesize.Format(f.Size), f.Name)
	}
	tw.Flush()
}
