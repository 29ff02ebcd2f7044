#compdef cakebackup
# zsh completion for cakebackup: source <(cakebackup completion zsh)
_cakebackup() {
  local -a opts
  local cur=${words[-1]} ask=${words[-1]} w
  # After a "--" cakebackup would run the command rather than list words:
  # leave those to file names. A "--" being typed asks with "-" instead.
  for w in "${(@)words[2,-2]}"; do
    if [[ $w == -- ]]; then
      _files
      return
    fi
  done
  [[ $ask == -- ]] && ask=-
  if [[ $cur == -* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} $ask --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ -n ${opts[1]} ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
compdef _cakebackup cakebackup
