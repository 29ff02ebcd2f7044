package job

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/english"
	"github.com/cakebackup/cakebackup/internal/errloc"
)

// This file holds the text the command line prints of job's results;
// their JSON is the types' own. The hints that name a flag or a command
// to run are the command line's, printed after.

// WriteText writes what inspect says of the backup: a table of what its
// structure tells (File, Format, Kind with restoreWith as in Kind,
// For app, Created, Size, Chunks) and, when it was decrypted, the
// wallets and the files inside with their sizes, else unread (the
// caller's words for what would tell more).
func (in *Inspection) WriteText(w io.Writer, restoreWith, unread string) error {
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
	if err := tw.Flush(); err != nil {
		return err
	}
	if !in.Decrypted {
		_, err := fmt.Fprint(w, unread)
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
		ignored = fmt.Sprintf("%d other %s ignored (not backups)\n", n, english.Plural(n, "file", "files"))
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

// ReclaimedLine says what interrupted earlier runs had left at the
// destination and was removed before this run wrote, or is "" when
// nothing was.
func (st Stored) ReclaimedLine() string {
	n := st.Reclaimed.Files
	if n == 0 {
		return ""
	}
	// Proton Drive's unfinished uploads have no size (their drafts say
	// 0 B), so none is shown rather than a wrong one.
	size := ""
	if st.Reclaimed.Bytes > 0 {
		size = " (" + bytesize.Format(st.Reclaimed.Bytes) + ")"
	}
	return fmt.Sprintf("Removed %d leftover file(s) of interrupted backups from %s%s", n, st.Dest, size)
}

// writeLines writes, for each destination of a backup, its
// ReclaimedLine and the line where it stands, after indent: stored gives
// a stored copy's, FailedLine with verb and word a failure's. The
// failure of the only destination of the run's only backup (alone) is
// the run's error, said once elsewhere, so not here.
func (s Stores) writeLines(w io.Writer, alone bool, indent, verb string, stored func(Stored) string, word func(error) string) error {
	for _, st := range s {
		if line := st.ReclaimedLine(); line != "" {
			if _, err := fmt.Fprintln(w, line); err != nil {
				return err
			}
		}
		line := indent + stored(st)
		switch {
		case st.Err != nil && alone && len(s) == 1:
			continue
		case st.Err != nil:
			line = indent + st.FailedLine(verb, word)
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}

// WriteText writes what create says of the made backup at each
// destination: "Backup saved and verified: LOCATION (SIZE)", or
// FailedLine's "NOT saved ..." with word turning an error into its text.
// The failure of its only destination is the run's error, said once
// elsewhere, so not here.
func (m *Made) WriteText(w io.Writer, word func(error) string) error {
	return m.Stores.writeLines(w, true, "", "NOT saved", func(st Stored) string {
		return fmt.Sprintf("Backup saved and verified: %s (%s)", st.Entry.Location, bytesize.Format(st.Entry.Size))
	}, word)
}

// WriteText writes what send says of the file it sent: "FILE: KIND,
// SIZE" (Kind, with restoreWith), then each destination's line,
// indented: "sent and verified: LOCATION", "already there: LOCATION",
// or FailedLine's "NOT sent ..." with word turning an error into its
// text. When it is the only file (alone), the failure of its only
// destination is the run's error, said once elsewhere, so not here.
func (s *Sent) WriteText(w io.Writer, alone bool, restoreWith string, word func(error) string) error {
	if _, err := fmt.Fprintf(w, "%s: %s, %s\n", s.File, Kind(s.Info, nil, restoreWith), bytesize.Format(s.Size)); err != nil {
		return err
	}
	return s.Stores.writeLines(w, alone, "  ", "NOT sent", func(st Stored) string {
		if st.AlreadyThere {
			return "already there: " + st.Entry.Location
		}
		return "sent and verified: " + st.Entry.Location
	}, word)
}

// WriteText writes what send says of the file: Sent.WriteText's lines,
// or NotSentLine's when it went nowhere. When it is the only file
// (alone), a failure that is the run's error, said once elsewhere, is
// not said here too: the file's, and its only destination's.
func (f SentFile) WriteText(w io.Writer, alone bool, restoreWith string, word func(error) string) error {
	switch {
	case f.Sent != nil:
		return f.Sent.WriteText(w, alone, restoreWith, word)
	case !alone:
		_, err := fmt.Fprintln(w, NotSentLine(f.File, f.Err, word))
		return err
	}
	return nil
}

// NotSentLine is send's line of a file that went nowhere, with err why
// (FileReason) and word turning an error into its text: "FILE: NOT
// sent: why".
func NotSentLine(file string, err error, word func(error) string) string {
	return file + ": NOT sent: " + FileReason(file, err, word)
}

// SummaryLine is what verify says, with --verbose, of the backup it
// opened: "ARG: format version V, N chunks, SIZE".
func (o *Opened) SummaryLine() string {
	info := o.Info()
	return fmt.Sprintf("%s: format version %d, %d %s, %s", o.Arg, info.Version, info.Chunks, english.Plural(info.Chunks, "chunk", "chunks"), bytesize.Format(info.Size))
}

// Line is what verify says of a backup that checked out: read with the
// password, that it decrypts and every chunk and file checks out;
// without, that it is intact, and that the password would check that it
// decrypts too.
func (v *Verified) Line() string {
	chunks := fmt.Sprintf("%d %s", v.Chunks, english.Plural(v.Chunks, "chunk", "chunks"))
	if v.Level == "full" {
		return fmt.Sprintf("OK: %s decrypts with this password and every chunk and file checks out (%s)", v.File, chunks)
	}
	return fmt.Sprintf("OK: %s is intact (%s; give the password to also check it decrypts)", v.File, chunks)
}

// WriteText writes Line.
func (v *Verified) WriteText(w io.Writer) error {
	_, err := fmt.Fprintln(w, v.Line())
	return err
}

// Notes are what restore says, besides its result, of what it found in
// or beside the folder it restored into: a restore into it interrupted
// while it moved its files into place, finished now or rolled back, and
// the folders of interrupted restores it removed. They are said whether
// or not the restore succeeded.
func (r *Restored) Notes() []string {
	if r == nil || r.Result == nil {
		return nil
	}
	res := r.Result
	var notes []string
	switch {
	case res.Resumed.Same:
		notes = append(notes, fmt.Sprintf("Finished the restore of this backup into %s that was interrupted while it moved its files into place (%d moved now)", r.To, res.Resumed.Moved))
	case res.Resumed.RolledBack:
		notes = append(notes, fmt.Sprintf("Removed what was left of a restore into %s that was interrupted while it moved its files into place", r.To))
	}
	if res.Reclaimed.Items > 0 {
		where := "beside"
		if res.InPlace {
			where = "in"
		}
		notes = append(notes, fmt.Sprintf("Removed %d folder(s) left by interrupted restores %s %s (%s)",
			res.Reclaimed.Items, where, r.To, bytesize.Format(res.Reclaimed.Bytes)))
	}
	return notes
}

// Line is what restore says of a backup it restored: "Restored FILE
// into DIR".
func (r *Restored) Line() string { return fmt.Sprintf("Restored %s into %s", r.File, r.To) }

// WriteText writes Line.
func (r *Restored) WriteText(w io.Writer) error {
	_, err := fmt.Fprintln(w, r.Line())
	return err
}

// Notes are what ls says on stderr, besides its listing, of the files
// that are not listed: each other file ignored (for --verbose), and why
// each unreadable one could not be told a backup or not (a warning).
func (l Listing) Notes() (ignored, unreadable []string) {
	for _, en := range l.Others {
		ignored = append(ignored, "ignored "+backup.QuoteName(en.Name)+": not a backup")
	}
	for _, u := range l.Unreadable {
		why := errloc.Reason(u.Err, append(destinations.Spellings(u.Location), u.Location, u.Name)...)
		unreadable = append(unreadable, "could not tell whether "+backup.QuoteName(u.Location)+" is a backup: "+errloc.OneLine(why))
	}
	return ignored, unreadable
}
