package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
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

// validName checks a --name: one plain file name, nothing that could point
// elsewhere or hide the file. The empty name (use the default) is valid.
func validName(name string) error {
	if name == "" {
		return nil
	}
	switch {
	case len(name) > 200:
		return errors.New("--name is too long (at most 200 bytes)")
	case strings.ContainsAny(name, `/\:`):
		return fmt.Errorf("--name %q must be a plain file name (no /, \\ or : in it)", name)
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("--name %q must not start with a dot", name)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return errors.New("--name must not contain control characters")
	}
	return nil
}
