package picker

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
)

// Model is the terminal folder picker as a bubbletea model. It is driven
// purely by messages, so it can be tested by feeding key messages to
// Update and running the commands it returns.
//
// Keys: up/down or k/j move; Enter (or right/l) opens the folder under
// the cursor or, on "[ Use this folder ]", chooses the current folder;
// Backspace/left/h goes up; n creates a new folder; Tab switches between
// sources; Esc and q cancel; Ctrl-C interrupts (see ErrInterrupted).
type Model struct {
	// ctx bounds the I/O the model's commands do; a bubbletea model has
	// no other way to receive it.
	ctx     context.Context
	sources []FolderSource
	active  int
	dirs    []string // current folder of each source

	items   []item
	cursor  int
	offset  int // first item shown
	height  int // terminal rows, 0 when unknown
	loading bool
	status  string // last error, shown until the next action

	naming  bool
	newName []rune

	// typedAhead holds keys pressed while a folder was loading; they are
	// replayed once it has loaded, so fast typing is not lost.
	typedAhead []tea.KeyPressMsg

	choice    *Choice
	cancelled bool
	// interrupted is set when Ctrl-C ended the picker (see ErrInterrupted).
	interrupted bool
}

type itemKind int

const (
	itemUse itemKind = iota
	itemPlace
	itemUp
	itemFolder
)

// item is one line of the list.
type item struct {
	kind  itemKind
	label string
	path  string
}

// listedMsg carries the result of listing a folder.
type listedMsg struct {
	source  int
	dir     string
	folders []Folder
	err     error
}

// madeMsg carries the result of creating a folder.
type madeMsg struct {
	source int
	path   string
	err    error
}

// NewModel returns a picker browsing sources, starting in the Root of the
// first one. It panics when sources is empty, a programming error.
func NewModel(ctx context.Context, sources []FolderSource) Model {
	if len(sources) == 0 {
		panic("picker: NewModel needs at least one source")
	}
	dirs := make([]string, len(sources))
	for i, s := range sources {
		dirs[i] = s.Root()
	}
	m := Model{ctx: ctx, sources: sources, dirs: dirs, loading: true}
	m.items = m.buildItems(nil)
	return m
}

// Choice returns the folder chosen, and false when the picker was
// cancelled or is still running.
func (m Model) Choice() (Choice, bool) {
	if m.choice == nil {
		return Choice{}, false
	}
	return *m.choice, true
}

// Interrupted reports whether the picker ended on Ctrl-C, which stops the
// command, rather than on Esc or q, which only cancel the choice.
func (m Model) Interrupted() bool { return m.interrupted }

// Init implements tea.Model: it lists the first folder.
func (m Model) Init() tea.Cmd {
	return m.list(m.active, m.dirs[m.active])
}

func (m Model) list(source int, dir string) tea.Cmd {
	ctx, src := m.ctx, m.sources[source]
	return func() tea.Msg {
		folders, err := src.List(ctx, dir)
		return listedMsg{source: source, dir: dir, folders: folders, err: err}
	}
}

func (m Model) mkdir(source int, dir, name string) tea.Cmd {
	ctx, src := m.ctx, m.sources[source]
	return func() tea.Msg {
		p, err := src.Mkdir(ctx, dir, name)
		return madeMsg{source: source, path: p, err: err}
	}
}

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.choice != nil || m.cancelled {
		return m, nil
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.height = msg.Height
		m.scroll()
		return m, nil
	case listedMsg:
		return m.listed(msg).replayTypedAhead()
	case madeMsg:
		if msg.source != m.active {
			return m, nil
		}
		if msg.err != nil {
			m.loading = false
			m.status = msg.err.Error()
			return m.replayTypedAhead()
		}
		return m, m.list(m.active, msg.path)
	case tea.PasteMsg:
		// Pasted text only makes sense as a new folder's name.
		if m.naming && !m.loading {
			m.newName = append(m.newName, []rune(strings.Map(dropControl, msg.Content))...)
		}
		return m, nil
	case tea.KeyPressMsg:
		if utf8.RuneCountInString(msg.Text) > 1 {
			return m.eachRune(msg)
		}
		if msg.String() == "ctrl+c" || (m.loading && msg.Code == tea.KeyEscape) {
			m.cancelled = true
			m.interrupted = msg.String() == "ctrl+c"
			return m, tea.Quit
		}
		if m.loading {
			m.typedAhead = append(m.typedAhead[:len(m.typedAhead):len(m.typedAhead)], msg)
			return m, nil
		}
		return m.key(msg)
	}
	return m, nil
}

// eachRune handles keys that arrived in one read (fast typing, a test
// writing to a pseudo-terminal) one by one, as if typed slowly. Once one
// of them starts loading, the rest wait in typedAhead, so at most one
// command results.
func (m Model) eachRune(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	var first tea.Cmd
	for _, r := range msg.Text {
		next, cmd := m.Update(tea.KeyPressMsg{Code: r, Text: string(r), Mod: msg.Mod})
		m = next.(Model)
		if first == nil {
			first = cmd
		}
	}
	return m, first
}

func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.naming {
		return m.nameKey(msg)
	}
	return m.browseKey(msg)
}

// replayTypedAhead handles the keys typed while loading, up to the first
// one that starts another load or ends the picker.
func (m Model) replayTypedAhead() (tea.Model, tea.Cmd) {
	for len(m.typedAhead) > 0 && !m.loading {
		k := m.typedAhead[0]
		m.typedAhead = m.typedAhead[1:]
		next, cmd := m.key(k)
		m = next.(Model)
		if cmd != nil {
			return m, cmd
		}
	}
	return m, nil
}

// listed shows a finished listing. A folder that cannot be listed is not
// entered: the picker stays where it was and shows why.
func (m Model) listed(msg listedMsg) Model {
	if msg.source != m.active {
		return m
	}
	m.loading = false
	if msg.err != nil {
		m.status = msg.err.Error()
		if len(m.items) == 0 {
			m.items = m.buildItems(nil)
		}
		return m
	}
	m.status = ""
	m.dirs = append([]string(nil), m.dirs...) // models are values: do not share
	m.dirs[m.active] = msg.dir
	m.items = m.buildItems(msg.folders)
	m.cursor, m.offset = 0, 0
	return m
}

func (m Model) buildItems(folders []Folder) []item {
	src := m.sources[m.active]
	items := []item{{kind: itemUse, label: "[ Use this folder ]"}}
	if pl, ok := src.(PlaceLister); ok {
		for _, p := range pl.Places() {
			label := p.Label
			if label == "" {
				label = p.Path
			}
			items = append(items, item{kind: itemPlace, label: fmt.Sprintf("⏏ %s  (%s)", label, p.Path), path: p.Path})
		}
	}
	if up, ok := src.Parent(m.dirs[m.active]); ok {
		items = append(items, item{kind: itemUp, label: "..", path: up})
	}
	for _, f := range folders {
		items = append(items, item{kind: itemFolder, label: f.Name + "/", path: f.Path})
	}
	return items
}

func (m Model) browseKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch msg.String() {
	case "esc", "q":
		m.cancelled = true
		return m, tea.Quit
	}
	switch msg.String() {
	case "up", "k":
		if m.cursor > 0 {
			m.cursor--
		}
		m.scroll()
	case "down", "j":
		if m.cursor < len(m.items)-1 {
			m.cursor++
		}
		m.scroll()
	case "home", "g":
		m.cursor = 0
		m.scroll()
	case "end", "G":
		m.cursor = len(m.items) - 1
		m.scroll()
	case "enter", "right", "l":
		it := m.items[m.cursor]
		if it.kind == itemUse {
			if msg.String() != "enter" {
				return m, nil
			}
			src := m.sources[m.active]
			dir := m.dirs[m.active]
			m.choice = &Choice{Source: src.Name(), Dir: dir, Spec: src.Spec(dir)}
			return m, tea.Quit
		}
		return m.open(it.path)
	case "backspace", "left", "h":
		if up, ok := m.sources[m.active].Parent(m.dirs[m.active]); ok {
			return m.open(up)
		}
	case "n":
		m.naming = true
		m.newName = nil
		m.status = ""
	case "tab", "shift+tab":
		if len(m.sources) > 1 {
			step := 1
			if msg.String() == "shift+tab" {
				step = len(m.sources) - 1
			}
			m.active = (m.active + step) % len(m.sources)
			m.items = nil
			return m.open(m.dirs[m.active])
		}
	}
	return m, nil
}

func (m Model) open(dir string) (tea.Model, tea.Cmd) {
	m.loading = true
	m.status = ""
	return m, m.list(m.active, dir)
}

func (m Model) nameKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case msg.Code == tea.KeyEscape:
		m.naming = false
		m.newName = nil
	case msg.Code == tea.KeyEnter:
		name := string(m.newName)
		if err := CheckFolderName(name); err != nil {
			m.status = err.Error()
			return m, nil
		}
		m.naming = false
		m.newName = nil
		m.loading = true
		m.status = ""
		return m, m.mkdir(m.active, m.dirs[m.active], name)
	case msg.Code == tea.KeyBackspace || msg.String() == "ctrl+h":
		if len(m.newName) > 0 {
			m.newName = m.newName[:len(m.newName)-1]
		}
	case msg.Text != "":
		m.newName = append(m.newName, []rune(msg.Text)...)
	}
	return m, nil
}

// dropControl removes control characters (line breaks of a paste) from a
// folder name.
func dropControl(r rune) rune {
	if unicode.IsControl(r) {
		return -1
	}
	return r
}
