package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/term"

	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/secret"
)

// registry returns every destination cakebackup knows, one line each.
func (e *env) registry() *destinations.Registry {
	r := destinations.NewRegistry()
	local.Register(r, e.getenv, e.detector(), e.chooseDrive())
	proton.Register(r, e.getenv)
	return r
}

// detector finds removable drives on this machine.
func (e *env) detector() local.Detector {
	if e.drives != nil {
		return *e.drives
	}
	return local.Detector{Getenv: e.getenv}
}

// chooseDrive asks on the terminal which drive to use when several are
// plugged in; without a terminal there is nobody to ask.
func (e *env) chooseDrive() local.ChooseDrive {
	in, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return nil
	}
	return func(ctx context.Context, drives []local.Drive) (local.Drive, error) {
		fmt.Fprintln(e.stderr, "Several removable drives are plugged in:")
		for i, d := range drives {
			fmt.Fprintf(e.stderr, "  %d) %s  %s  (%s free)\n", i+1, d.Label, d.MountPoint, bytesize.Format(d.Free))
		}
		line, err := secret.NewPrompter(in, e.stderr).Line(ctx, fmt.Sprintf("Which one? [1-%d]: ", len(drives)))
		if err != nil && !errors.Is(err, secret.ErrNoAnswer) {
			return local.Drive{}, fmt.Errorf("reading your choice: %w", err)
		}
		n, err := strconv.Atoi(line)
		if err != nil || n < 1 || n > len(drives) {
			return local.Drive{}, errors.New("no drive chosen")
		}
		return drives[n-1], nil
	}
}
