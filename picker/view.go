package picker

import (
	"strings"

	tea "charm.land/bubbletea/v2"
)

// Lines of the view that are not list rows: title, folder, blank, blank,
// status, help.
const chromeRows = 6

// defaultListRows is how many list rows are shown before the terminal
// reports its size.
const defaultListRows = 15

func (m Model) listRows() int {
	if m.height <= 0 {
		return defaultListRows
	}
	return max(m.height-chromeRows, 3)
}

// scroll keeps the cursor inside the visible window of the list.
func (m *Model) scroll() {
	rows := m.listRows()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
}

// View implements tea.Model. Once the picker is done it draws nothing,
// so the terminal is left clean.
func (m Model) View() tea.View {
	return tea.NewView(m.render())
}

// render draws the picker as text.
func (m Model) render() string {
	if m.choice != nil || m.cancelled {
		return ""
	}
	var b strings.Builder
	src := m.sources[m.active]
	b.WriteString("Choose a folder for your backups — " + src.Name())
	if len(m.sources) > 1 {
		b.WriteString("   (Tab: " + m.sources[(m.active+1)%len(m.sources)].Name() + ")")
	}
	b.WriteString("\n")
	b.WriteString("  " + m.dirs[m.active] + "\n\n")

	rows := m.listRows()
	end := min(m.offset+rows, len(m.items))
	for i := m.offset; i < end; i++ {
		cursor := "  "
		if i == m.cursor {
			cursor = "> "
		}
		b.WriteString(cursor + m.items[i].label + "\n")
	}
	if !m.loading && !m.hasFolders() && end-m.offset < rows {
		b.WriteString("  (no folders here: press n to make one)\n")
	}
	b.WriteString("\n")
	switch {
	case m.naming:
		b.WriteString("New folder name: " + string(m.newName) + "█")
		if m.status != "" {
			b.WriteString("   " + m.status)
		}
		b.WriteString("\n")
		b.WriteString("Enter create · Esc back\n")
		return b.String()
	case m.loading:
		b.WriteString("Loading…\n")
	case m.status != "":
		b.WriteString("! " + m.status + "\n")
	default:
		b.WriteString("\n")
	}
	b.WriteString("↑/↓ move · Enter open/choose · ← up · n new folder")
	if len(m.sources) > 1 {
		b.WriteString(" · Tab switch")
	}
	b.WriteString(" · Esc cancel\n")
	return b.String()
}

func (m Model) hasFolders() bool {
	for _, it := range m.items {
		if it.kind == itemFolder {
			return true
		}
	}
	return false
}
