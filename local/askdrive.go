package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/secret"
)

// ErrNoDriveChosen is AskDrive's error for an answer that names none of
// the drives.
var ErrNoDriveChosen = errors.New("no drive chosen")

// AskDriveOn is AskDrive asking on the terminal in, listing the drives
// on w (the terminal too: stderr). Without a terminal on in there is
// nobody to ask: it returns nil.
func AskDriveOn(in io.Reader, w io.Writer) ChooseDrive {
	if f, ok := in.(*os.File); !ok || !secret.IsTerminal(f) {
		return nil
	}
	return AskDrive(w, secret.NewPrompter(in, w).Line)
}

// AskDrive is the ChooseDrive that asks a person: it lists the drives on
// w, numbered, and reads the number with line (secret.Prompter.Line, which
// returns secret.ErrNoAnswer for no answer).
func AskDrive(w io.Writer, line func(ctx context.Context, prompt string) (string, error)) ChooseDrive {
	return func(ctx context.Context, drives []Drive) (Drive, error) {
		fmt.Fprintln(w, "Several removable drives are plugged in:")
		for i, d := range drives {
			fmt.Fprintf(w, "  %d) %s  %s  (%s free)\n", i+1, d.Label, d.MountPoint, bytesize.Format(d.Free))
		}
		answer, err := line(ctx, fmt.Sprintf("Which one? [1-%d]: ", len(drives)))
		if err != nil && !errors.Is(err, secret.ErrNoAnswer) {
			return Drive{}, fmt.Errorf("reading your choice: %w", err)
		}
		n, err := strconv.Atoi(answer)
		if err != nil || n < 1 || n > len(drives) {
			return Drive{}, ErrNoDriveChosen
		}
		return drives[n-1], nil
	}
}
