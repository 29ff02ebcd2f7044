package picker

import (
	"context"
	"errors"
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"
)

// RunTerminal runs the terminal picker, reading keys from in and drawing
// on out (both normally the terminal; out must not be the stdout a spec is
// printed to). It returns the chosen folder, or an error wrapping
// ErrNoDestination when the person cancels (Esc, q) or ErrInterrupted on
// Ctrl-C.
func RunTerminal(ctx context.Context, in io.Reader, out io.Writer, sources []FolderSource) (Choice, error) {
	if len(sources) == 0 {
		return Choice{}, errors.New("folder picker: nothing to browse")
	}
	p := tea.NewProgram(NewModel(ctx, sources),
		tea.WithContext(ctx),
		tea.WithInput(in),
		tea.WithOutput(out),
		// The caller's context already ends on SIGINT/SIGTERM.
		tea.WithoutSignalHandler(),
	)
	final, err := p.Run()
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return Choice{}, fmt.Errorf("folder picker: %w", ctxErr)
		}
		return Choice{}, fmt.Errorf("folder picker: %w", err)
	}
	m, ok := final.(Model)
	if !ok {
		return Choice{}, fmt.Errorf("folder picker: unexpected model %T", final)
	}
	if c, ok := m.Choice(); ok {
		return c, nil
	}
	if m.Interrupted() {
		return Choice{}, ErrInterrupted
	}
	return Choice{}, ErrNoDestination
}
