package job

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/bytesize"
)

// This file holds the text the command line prints of job's results;
// their JSON is the types' own. The hints that name a flag or a command
// to run are the command line's, printed after.

// WriteText writes what inspect says of the backup: a table of what its
// structure tells (File, Format, Kind with restoreWith as in Kind,
// For app, Created, Size, Chunks) and, when it was decrypted, the
// wallets and the files inside with their sizes.
func (in *Inspection) WriteText(w io.Writer, restoreWith string) error {
	info := in.Info
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "File:\t%s\n", in.File)
	fmt.Fprintf(tw, "Format:\tversion %d\n", in.Version)
	// Kind's words start "made by ..." or "a bare v2 backup ...".
	fmt.Fprintf(tw, "Kind:\t%s\n", Kind(info, in.Files, restoreWith))
	if in.ForApp != "" {
		fmt.Fprintf(tw, "For app:\t%s\n", in.ForApp)
	}
	if !info.Created.IsZero() {
		fmt.Fprintf(tw, "Created:\t%s\n", info.Created.Local().Format(time.DateTime))
	}
	if in.PlainSize > 0 {
		fmt.Fprintf(tw, "Size:\t%s (%s of data)\n", bytesize.Format(in.Size), bytesize.Format(in.PlainSize))
	} else {
		fmt.Fprintf(tw, "Size:\t%s\n", bytesize.Format(in.Size))
	}
	fmt.Fprintf(tw, "Chunks:\t%d\n", in.Chunks)
	if err := tw.Flush(); err != nil || !in.Decrypted {
		return err
	}
	fmt.Fprintf(w, "\nWallets (%d):\n", len(in.Wallets))
	for _, wallet := range in.Wallets {
		fmt.Fprintf(w, "  %s\n", wallet)
	}
	fmt.Fprintf(w, "\nFiles (%d):\n", len(in.Files))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, f := range in.Files {
		fmt.Fprintf(tw, "  %s\t  %s\n", bytesize.Format(f.Size), f.Name)
	}
	return tw.Flush()
}

// WriteText writes what ls says of the destination: a table of its
// backups (NAME, SIZE, TIME in local time), or that it holds none, then
// how many other files were left alone.
func (l Listing) WriteText(w io.Writer) error {
	ignored := ""
	if n := len(l.Others); n > 0 {
		ignored = fmt.Sprintf("%d other %s ignored (not backups)\n", n, plural(n, "file", "files"))
	}
	if len(l.Backups) == 0 {
		_, err := fmt.Fprintf(w, "No backups at %s\n%s", l.Dest, ignored)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSIZE\tTIME")
	for _, en := range l.Backups {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", backup.QuoteName(en.Name), bytesize.Format(en.Size), en.ModTime.Local().Format(time.DateTime))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprint(w, ignored)
	return err
}

// plural is one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
