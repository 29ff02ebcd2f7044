package check

import (
	"fmt"
	"io"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/internal/english"
	"github.com/cakebackup/cakebackup/internal/errloc"
)

// WriteText writes what check says of the destination: one line per
// backup, its status and location and, when it did not pass, why; then
// a summary line: how many backups, how many were read in full (and how
// much), the group read, how many failed or could not be read, and the
// other files left alone.
func (r *Report) WriteText(w io.Writer) error {
	for _, res := range r.Results {
		line := fmt.Sprintf("%-10s %s", res.Status, backup.QuoteName(res.Location))
		if res.Error != "" {
			line += " (" + errloc.OneLine(res.Error) + ")"
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	n := len(r.Results)
	summary := fmt.Sprintf("%d %s, %d read in full", n, english.Plural(n, "backup", "backups"), r.ReadCount)
	if r.ReadCount > 0 {
		summary += fmt.Sprintf(" (%s)", bytesize.Format(r.ReadBytes))
	}
	if r.Groups > 0 {
		summary += fmt.Sprintf(", group %d/%d", r.Group, r.Groups)
	}
	if failed := r.Count(Failed); failed > 0 {
		summary += fmt.Sprintf(", %d failed", failed)
	}
	if unreadable := r.Count(Unreadable); unreadable > 0 {
		summary += fmt.Sprintf(", %d unreadable", unreadable)
	}
	if r.Ignored > 0 {
		summary += fmt.Sprintf("; %d other %s ignored (not backups)", r.Ignored, english.Plural(r.Ignored, "file", "files"))
	}
	_, err := fmt.Fprintln(w, summary)
	return err
}
