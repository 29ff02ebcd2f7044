package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cakebackup/cakebackup/backup"
)

// writeJSON prints v as one indented JSON object.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

// validName checks a --name: one plain file name that every kind of
// destination stores as it is (backup.NameProblem), not hidden. The empty
// name (use the default) is valid.
func validName(name string) error {
	if name == "" {
		return nil
	}
	switch {
	case len(name) > 200:
		return errors.New("--name is too long (at most 200 bytes)")
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("--name %s must not start with a dot", backup.QuoteName(name))
	}
	if problem := backup.NameProblem(name); problem != "" {
		return fmt.Errorf("--name %s %s: give a plain file name", backup.QuoteName(name), problem)
	}
	return nil
}
