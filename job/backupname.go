package job

import (
	"fmt"
	"strings"

	"github.com/cakebackup/cakebackup/backup"
)

// MaxNameSize bounds a backup name asked for (Backup.Name): well below
// the 255 bytes a file name may have, with room for the suffix a
// destination adds to a name that is taken ("-2").
const MaxNameSize = 200

// CheckName refuses a backup name asked for, with a *BadNameError: one
// longer than MaxNameSize, a hidden one (starting with a dot), or one not
// every kind of destination stores as it is (backup.NameProblem). The
// empty name (the default one) passes.
func CheckName(name string) error {
	switch {
	case name == "":
		return nil
	case len(name) > MaxNameSize:
		return &BadNameError{Name: name, Problem: fmt.Sprintf("is too long (at most %d bytes)", MaxNameSize)}
	case strings.HasPrefix(name, "."):
		return &BadNameError{Name: name, Problem: "must not start with a dot"}
	}
	if problem := backup.NameProblem(name); problem != "" {
		return &BadNameError{Name: name, Problem: problem + ": give a plain file name"}
	}
	return nil
}

// BadNameError is a backup name CheckName refuses.
type BadNameError struct {
	// Name is the name asked for; Problem what is wrong with it, as a
	// clause ("must not start with a dot").
	Name, Problem string
}

// Error implements error.
func (e *BadNameError) Error() string { return e.Of("the backup name") }

// Of words the refusal with subject saying where the name was given,
// such as a flag: "SUBJECT NAME PROBLEM", the name quoted as
// backup.QuoteName does; a name too long is not repeated.
func (e *BadNameError) Of(subject string) string {
	if len(e.Name) > MaxNameSize {
		return subject + " " + e.Problem
	}
	return subject + " " + backup.QuoteName(e.Name) + " " + e.Problem
}
