package notify

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cakebackup/cakebackup/secret"
)

// Hook runs a command for events of the kinds it is set for, with the
// event in environment variables (CAKEBACKUP_JOB, CAKEBACKUP_EVENT,
// CAKEBACKUP_ERROR, CAKEBACKUP_FIX, CAKEBACKUP_FILE, CAKEBACKUP_SIZE,
// CAKEBACKUP_DESTINATIONS) and never a password: the variables that may
// hold one are taken out of its environment, with those named in Scrub.
// Its output goes to Output.
type Hook struct {
	Command string
	Kinds   []Kind
	Output  io.Writer // nil: discarded
	// Scrub names more variables to take out of the command's
	// environment, such as the ones jobs read their passwords from.
	Scrub []string
}

// Name implements Notifier.
func (h Hook) Name() string { return "hook " + h.Command }

// Notify implements Notifier. The command runs through the shell (sh -c,
// or cmd /C on Windows) and is killed when ctx ends. A Test event runs
// it whatever its Kinds.
func (h Hook) Notify(ctx context.Context, e Event) error {
	wanted := e.Kind == Test
	for _, k := range h.Kinds {
		wanted = wanted || k == e.Kind
	}
	if !wanted {
		return nil
	}
	name, args := shellCommand(runtime.GOOS, h.Command)
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(childEnv(h.Scrub), hookEnv(e)...)
	cmd.Stdout, cmd.Stderr = h.Output, h.Output
	// A child of the shell may outlive it holding the output pipe: stop
	// waiting for it soon after the shell is killed.
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("stopped after its time ran out: %w", ctx.Err())
		}
		return err
	}
	return nil
}

// childEnv is this process's environment for a program it starts,
// without the variables that may hold a secret (secret.ScrubEnv) or are
// named in scrub.
func childEnv(scrub []string) []string {
	env := secret.ScrubEnv(os.Environ())
	return slices.DeleteFunc(env, func(kv string) bool {
		key, _, _ := strings.Cut(kv, "=")
		return slices.Contains(scrub, key)
	})
}

// shellCommand is how a hook's command line is run on goos.
func shellCommand(goos, command string) (string, []string) {
	if goos == "windows" {
		return "cmd", []string{"/C", command}
	}
	return "/bin/sh", []string{"-c", command}
}

// hookEnv is the event as environment variables.
func hookEnv(e Event) []string {
	return []string{
		"CAKEBACKUP_JOB=" + e.Job,
		"CAKEBACKUP_EVENT=" + string(e.Kind),
		"CAKEBACKUP_ERROR=" + e.Error,
		"CAKEBACKUP_FIX=" + e.Fix,
		"CAKEBACKUP_FILE=" + e.File,
		"CAKEBACKUP_SIZE=" + strconv.FormatInt(e.Size, 10),
		"CAKEBACKUP_DESTINATIONS=" + strings.Join(e.Dests, " "),
	}
}
